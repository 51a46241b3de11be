#!/bin/bash
# Done when a nested process of the container sees, at /root/box/proc (or /proc after a chroot), a procfs of its own PID namespace.
set -u
. "$(dirname "$0")/../box.sh"
for pid in $(box_procs); do
  [ "$(depth_of "$pid")" -gt "$box_depth" ] || continue
  # /proc/PID/root is the process's root in its own mount namespace; procfs's 1/ns/pid names the PID namespace it shows.
  for at in /root/box/proc /proc; do
    if own_proc_at "$pid" "$at"; then
      echo "host PID $pid: $at is a procfs of its own pid:[$(ns_of "$pid" pid)], where it is PID $(inner_pid_of "$pid") ($(cmd_of "$pid"))"
      exit 0
    fi
  done
done
echo "no nested process has a procfs of its own PID namespace at /root/box/proc: in the unshare shell, mount -t proc proc /root/box/proc"
exit 1
