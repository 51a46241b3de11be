#!/bin/bash
# Done when the kernel charges the container's memory cgroup at least 32 MiB (its own count, read on the host).
set -u
file=
for dir in $GB_CGROUP; do
  if [ "$GB_CGROUP_VERSION" = 2 ] && [ -f "$dir/memory.current" ]; then file=$dir/memory.current
  elif [ -f "$dir/memory.usage_in_bytes" ]; then file=$dir/memory.usage_in_bytes
  fi
done
[ -n "$file" ] || { echo "the container has no memory cgroup"; exit 1; }
used=$(cat "$file") || { echo "cannot read $file"; exit 1; }
mib=$((used / 1048576))
echo "$file: $used ($mib MiB)"
if [ "$mib" -lt 32 ]; then
  echo "the container's cgroup is charged $mib MiB: write 40 MiB into /dev/shm with dd if=/dev/zero of=/dev/shm/fill bs=1M count=40"
  exit 1
fi
