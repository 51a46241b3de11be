#!/bin/bash
# Done when /root/cgroup-version in the container names the version of the cgroup tree its memory is limited by.
set -u
dir=
for d in $GB_CGROUP; do
  if [ -f "$d/memory.max" ] || [ -f "$d/memory.limit_in_bytes" ]; then dir=$d; break; fi
done
[ -n "$dir" ] || { echo "the container has no memory cgroup"; exit 1; }
# The filesystem type, not a file name: cgroup2fs is the unified tree, cgroupfs a v1 controller tree.
case "$(stat -f -c %T "$dir")" in
  cgroup2fs) version=2 ;;
  cgroupfs) version=1 ;;
  *) echo "$dir is on no cgroup filesystem"; exit 1 ;;
esac
echo "$dir is on a cgroup v$version filesystem"
answer=$($GB_EXEC cat /root/cgroup-version 2>/dev/null) || {
  echo "the container has no /root/cgroup-version yet: read /proc/self/cgroup, then write 1 or 2 into it (echo N > /root/cgroup-version)"
  exit 1
}
answer=$(printf %s "$answer" | tr -cd 0-9)
if [ "$answer" != "$version" ]; then
  echo "/root/cgroup-version says \"$answer\": look at /proc/self/cgroup and the cgroup mounts in /proc/self/mountinfo again"
  exit 1
fi
