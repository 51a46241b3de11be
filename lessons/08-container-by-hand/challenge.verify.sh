#!/bin/bash
# Done when a process of the container is PID 1 of a nested PID namespace, runs sleep, has root /root/two, hostname two and its own /proc.
set -u
. "$(dirname "$0")/box.sh"
two_root=$($GB_EXEC stat -c %d:%i /root/two 2>/dev/null) || { echo "there is no /root/two yet"; exit 1; }
best="no process of the container has /root/two as its root directory"
for pid in $(box_procs); do
  [ "$(depth_of "$pid")" -gt "$box_depth" ] || continue
  [ "$(stat -L -c %d:%i "/proc/$pid/root" 2>/dev/null)" = "$two_root" ] || continue
  if [ "$(inner_pid_of "$pid")" != 1 ]; then best="host PID $pid has root /root/two but is PID $(inner_pid_of "$pid") of its namespace, not 1"; continue; fi
  if [ "$(cat "/proc/$pid/comm")" != sleep ]; then best="PID 1 of container two runs $(cat "/proc/$pid/comm"), not sleep"; continue; fi
  name=$(hostname_of "$pid")
  if [ "$name" != two ]; then best="PID 1 of container two has hostname \"$name\", not two"; continue; fi
  if ! own_proc_at "$pid" /proc; then best="container two's /proc is not a procfs of its own PID namespace"; continue; fi
  echo "host PID $pid: PID 1 of pid:[$(ns_of "$pid" pid)], sleep, root /root/two, hostname two, its own /proc"
  exit 0
done
echo "$best"
exit 1
