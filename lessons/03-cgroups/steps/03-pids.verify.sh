#!/bin/bash
# Done when the pids controller has refused a fork in the container's cgroup ("max" in pids.events is at least 1).
set -u
file=
for dir in $GB_CGROUP; do
  [ -f "$dir/pids.events" ] && [ -f "$dir/pids.max" ] && file=$dir/pids.events
done
[ -n "$file" ] || { echo "the container has no pids cgroup"; exit 1; }
refused=$(awk '$1 == "max" { print $2 }' "$file") || { echo "cannot read $file"; exit 1; }
echo "$file: max ${refused:-?} ($(cat "${file%/*}/pids.current") tasks now, pids.max $(cat "${file%/*}/pids.max"))"
if [ "${refused:-0}" -lt 1 ]; then
  echo "the kernel has not refused a fork in this container yet: run gbprobe forkbomb 500"
  exit 1
fi
