#!/bin/bash
# Done when a nested process of the container has /root/box as its root directory, hostname byhand and a /proc of its own PID namespace.
set -u
. "$(dirname "$0")/../box.sh"
# The same directory, as the container sees it: a bind mount keeps the device and inode of its source.
box_root=$($GB_EXEC stat -c %d:%i /root/box 2>/dev/null) || { echo "/root/box is missing: build it as in the previous steps"; exit 1; }
rooted=
for pid in $(box_procs); do
  [ "$(depth_of "$pid")" -gt "$box_depth" ] || continue
  [ "$(stat -L -c %d:%i "/proc/$pid/root" 2>/dev/null)" = "$box_root" ] || continue
  rooted=$pid
  name=$(hostname_of "$pid")
  [ "$name" = byhand ] || continue
  own_proc_at "$pid" /proc || continue
  echo "host PID $pid ($(cmd_of "$pid")): root /root/box, hostname byhand, PID $(inner_pid_of "$pid") of its own pid:[$(ns_of "$pid" pid)] with its own /proc"
  exit 0
done
if [ -n "$rooted" ]; then
  echo "host PID $rooted has /root/box as its root, but its hostname is not byhand or its /proc is not its own: hostname byhand and mount -t proc proc /root/box/proc before the chroot"
else
  echo "no nested process has /root/box as its root directory: in the unshare shell, exec chroot /root/box /bin/sh"
fi
exit 1
