#!/bin/bash
# Done when a process of the container, in a mount namespace of its own, has /root/box as a mount point.
set -u
. "$(dirname "$0")/../box.sh"
$GB_EXEC test -x /root/box/bin/busybox || { echo "/root/box/bin/busybox is missing: mkdir -p /root/box/bin && cp /bin/busybox /root/box/bin/"; exit 1; }
$GB_EXEC test -d /root/box/proc || { echo "/root/box/proc is missing: mkdir -p /root/box/proc"; exit 1; }
for pid in $(box_procs); do
  mnt=$(ns_of "$pid" mnt)
  [ -n "$mnt" ] && [ "$mnt" != "$box_mntns" ] || continue
  # mountinfo field 5 is the mount point, relative to the process's root: /root/box before a chroot, / after.
  if awk '$5 == "/root/box" { found = 1 } END { exit !found }' "/proc/$pid/mountinfo" 2>/dev/null; then
    echo "host PID $pid: mnt:[$mnt] (the container's is mnt:[$box_mntns]) has /root/box as a mount point"
    exit 0
  fi
done
echo "no process of the container has /root/box as a mount point in a mount namespace of its own: unshare -r -m -p -f -u sh, then mount --bind /root/box /root/box"
exit 1
