#!/bin/bash
# Done when a process of the container sleeps in the open() of a FIFO (wait_for_partner), as runc's init waits on exec.fifo.
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
$GB_EXEC test -p /root/bundle/exec.fifo || { echo "there is no FIFO at /root/bundle/exec.fifo: mkfifo /root/bundle/exec.fifo"; exit 1; }
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  if [ "$(cat "$dir/wchan" 2>/dev/null)" = wait_for_partner ]; then
    echo "host PID ${dir#/proc/} ($(tr '\0' ' ' < "$dir/cmdline")) waits in wait_for_partner: created, not yet started"
    exit 0
  fi
done
echo "no process of the container waits on the FIFO: sh -c 'echo 0 > /root/bundle/exec.fifo; exec sleep 3600' > /dev/null 2>&1 &"
exit 1
