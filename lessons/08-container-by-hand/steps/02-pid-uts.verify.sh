#!/bin/bash
# Done when a process of the container is in a PID namespace nested in the container's and its UTS namespace answers "byhand".
set -u
. "$(dirname "$0")/../box.sh"
nested=
for pid in $(box_procs); do
  [ "$(depth_of "$pid")" -gt "$box_depth" ] || continue
  nested=$pid
  uts=$(ns_of "$pid" uts)
  [ "$uts" != "$box_utsns" ] || continue
  name=$(hostname_of "$pid")
  if [ "$name" = byhand ]; then
    echo "host PID $pid is PID $(inner_pid_of "$pid") of pid:[$(ns_of "$pid" pid)] (NSpid:$(awk '/^NSpid:/ { $1 = ""; print }' "/proc/$pid/status")), uts:[$uts] hostname byhand"
    exit 0
  fi
done
if [ -n "$nested" ]; then
  echo "host PID $nested is in a nested PID namespace, but no such process has its own UTS namespace named byhand: unshare -r -p -f -u sh, then hostname byhand"
else
  echo "no process of the container is in a PID namespace of its own: unshare -r -p -f -u sh (with -f)"
fi
exit 1
