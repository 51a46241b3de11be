#!/bin/bash
# Done when a process of the container (its cgroup) lives in a user namespace other than the container's, with root mapped.
set -u
. "$(dirname "$0")/../box.sh"
for pid in $(box_procs); do
  userns=$(ns_of "$pid" user)
  [ -n "$userns" ] && [ "$userns" != "$box_userns" ] || continue
  map=$(head -n1 "/proc/$pid/uid_map" 2>/dev/null)
  set -- $map
  if [ "${1:-}" = 0 ]; then
    echo "host PID $pid ($(cmd_of "$pid")): user:[$userns], the container's is user:[$box_userns]; uid_map (seen from the host): $map"
    exit 0
  fi
done
echo "no process of the container has a user namespace of its own with root mapped: run unshare -r sh"
exit 1
