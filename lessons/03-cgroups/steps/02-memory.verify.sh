#!/bin/bash
# Done when the kernel has OOM-killed a process in the container's memory cgroup (oom_kill in memory.events or memory.oom_control).
set -u
file=
for dir in $GB_CGROUP; do
  if [ "$GB_CGROUP_VERSION" = 2 ] && [ -f "$dir/memory.events" ]; then file=$dir/memory.events
  elif [ -f "$dir/memory.oom_control" ]; then file=$dir/memory.oom_control
  fi
done
[ -n "$file" ] || { echo "the container has no memory cgroup"; exit 1; }
kills=$(awk '$1 == "oom_kill" { print $2 }' "$file") || { echo "cannot read $file"; exit 1; }
echo "$file: oom_kill ${kills:-?}"
if [ "${kills:-0}" -lt 1 ]; then
  echo "no process of the container has been OOM-killed yet: allocate more than its 64 MiB with gbprobe memhog 300"
  exit 1
fi
# The kill must not have taken the container with it.
[ -d "/proc/$GB_PID" ] || { echo "the container's init ($GB_PID) is gone"; exit 1; }
