#!/bin/bash
# Done when the container's mount namespace has a cgroup file system mounted; reports who owns the container's cgroup (delegation).
set -u
. "$(dirname "$0")/../box.sh"
# mountinfo: the filesystem type follows the " - " separator.
mnt=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 " (" $(i + 1) ")"; break } }' "/proc/$GB_PID/mountinfo" | head -n1)
if [ -z "$mnt" ]; then
  echo "the container has no cgroup file system mounted: mkdir -p /tmp/cgroup, then mount -t cgroup2 none /tmp/cgroup (v2) or mount -t cgroup -o pids none /tmp/cgroup (v1)"
  exit 1
fi
echo "a cgroup file system is mounted at $mnt in the container"
root_uid=$(awk '$1 == 0 { print $2 }' "/proc/$GB_PID/uid_map")
for dir in $GB_CGROUP; do
  owner=$(stat -c %u "$dir")
  if [ "$owner" = "$root_uid" ]; then
    echo "$dir belongs to host uid $owner, the container's root: delegated, mkdir in it would work"
  else
    echo "$dir belongs to host uid $owner; the container's root is host uid $root_uid: not delegated, so mkdir in it fails"
  fi
done
