#!/bin/bash
# Done when a process of the container runs in a nested user namespace whose uid_map maps root to the container's root.
set -u
. "$(dirname "$0")/../nested.sh"
box_user=$(stat -L -c %i "/proc/$GB_PID/ns/user") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
# The container's root as the host sees it: the outside ID of the map line for inside ID 0.
box_root=$(awk '$1 == 0 { print $2 }' "/proc/$GB_PID/uid_map")
[ -n "$box_root" ] || { echo "the container's uid_map does not map root"; exit 1; }
# Every process of the container, nested namespaces included, stays in its cgroup.
pids=$(box_pids)
unmapped=
for pid in $pids; do
  ns=$(stat -L -c %i "/proc/$pid/ns/user" 2>/dev/null) || continue
  [ "$ns" != "$box_user" ] || continue
  inner=$(awk '/^NSpid:/ { print $3 }' "/proc/$pid/status" 2>/dev/null)
  map=$(awk -v r="$box_root" '$1 == 0 && $2 == r' "/proc/$pid/uid_map" 2>/dev/null)
  if [ -n "$map" ]; then
    echo "$(cat "/proc/$pid/comm") (container PID $inner, host PID $pid): user:[$ns], uid_map (host view): $map"
    exit 0
  fi
  [ -s "/proc/$pid/uid_map" ] || unmapped=$inner
done
if [ -n "$unmapped" ]; then
  echo "PID $unmapped is in a new user namespace but its uid_map is empty: echo '0 0 1' > /proc/$unmapped/uid_map"
else
  echo "no process of the container is in a user namespace of its own yet: start one with unshare -U sleep 1000000 &"
fi
exit 1
