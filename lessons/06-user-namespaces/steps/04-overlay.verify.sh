#!/bin/bash
# Done when a process in a nested user namespace holds an overlay mount of its own (besides the container's root).
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
box_user=$(stat -L -c %i "/proc/$GB_PID/ns/user")
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  user=$(stat -L -c %i "$dir/ns/user" 2>/dev/null)
  [ -n "$user" ] && [ "$user" != "$box_user" ] || continue
  # mountinfo: field 5 is the mount point; after " - " come the fs type, the source and the options.
  overlay=$(awk '$5 != "/" { split($0, a, " - "); split(a[2], t, " "); if (t[1] == "overlay") { print $5; exit } }' "$dir/mountinfo" 2>/dev/null)
  [ -n "$overlay" ] || continue
  echo "${dir#/proc/} ($(cat "$dir/comm")): user:[$user] (the container's is user:[$box_user]), overlay on $overlay"
  exit 0
done
echo "no process in a nested user namespace holds an overlay mount: run the unshare -Urm ... mount -t overlay ... command"
exit 1
