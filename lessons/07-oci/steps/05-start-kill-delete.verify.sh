#!/bin/bash
# Done when the created process was started: nothing waits on a FIFO, and a `sleep 3600` runs in the container.
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
running=
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  if [ "$(cat "$dir/wchan" 2>/dev/null)" = wait_for_partner ]; then
    echo "host PID ${dir#/proc/} still waits on a FIFO (created, not started): start it with cat /root/bundle/exec.fifo"
    exit 1
  fi
  [ "$(tr '\0' ' ' < "$dir/cmdline" 2>/dev/null)" = "sleep 3600 " ] && running=${dir#/proc/}
done
if [ -z "$running" ]; then
  echo "no sleep 3600 runs in the container: create it again as in the previous step and start it with cat /root/bundle/exec.fifo"
  exit 1
fi
echo "host PID $running runs sleep 3600: running"
