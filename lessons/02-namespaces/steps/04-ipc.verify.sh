#!/bin/bash
# Done when a nested ipc namespace of the container holds a System V shared memory segment and the container's own has none.
set -u
. "$(dirname "$0")/../nested.sh"
box_ipc=$(stat -L -c %i "/proc/$GB_PID/ns/ipc") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
# /proc/sysvipc/shm lists the segments of the reader's ipc namespace: nsenter joins only that namespace, in this script's process.
segments() { nsenter -t "$1" -i cat /proc/sysvipc/shm 2>/dev/null | awk 'NR > 1 { print "key " $1 " shmid " $2 " size " $4 " bytes, creator PID " $5 " uid " $8 }'; }
own=$(segments "$GB_PID")
seen=
while read -r pid ns <&3; do  # on fd 3: what runs in the loop keeps its own stdin
  [ -n "$pid" ] || continue
  seen="$seen $ns"
  found=$(segments "$pid")
  if [ -n "$found" ]; then
    echo "ipc:[$ns] (the container's is ipc:[$box_ipc]): $found"
    if [ -n "$own" ]; then
      echo "the container's own ipc namespace has a segment too ($own): the point is a segment only the nested namespace has"
      exit 1
    fi
    exit 0
  fi
done 3<<<"$(nested_ns ipc "$box_ipc")"
if [ -n "$seen" ]; then
  echo "a nested ipc namespace exists but holds no shared memory segment: start syslogd -C16 in it (unshare -r -i syslogd -C16)"
else
  echo "no process of the container is in an ipc namespace of its own: run unshare -r -i syslogd -C16"
fi
exit 1
