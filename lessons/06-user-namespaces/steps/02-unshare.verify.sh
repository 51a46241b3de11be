#!/bin/bash
# Done when a sleep in the container runs in a nested user namespace whose map is root onto the container's root, one id.
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
box_user=$(stat -L -c %i "/proc/$GB_PID/ns/user")
read -r _ base _ < "/proc/$GB_PID/uid_map"
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  [ "$(cat "$dir/comm" 2>/dev/null)" = sleep ] || continue
  user=$(stat -L -c %i "$dir/ns/user" 2>/dev/null)
  [ -n "$user" ] && [ "$user" != "$box_user" ] || continue
  map=$(awk '{ printf "%s %s %s;", $1, $2, $3 }' "$dir/uid_map" 2>/dev/null)
  echo "sleep ${dir#/proc/}: user:[$user] (the container's is user:[$box_user]), uid_map $map"
  [ "$map" = "0 $base 1;" ] && exit 0
done
echo "no sleep runs in a user namespace of its own with root mapped: run unshare -Ur sleep 1000 &"
exit 1
