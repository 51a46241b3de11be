#!/bin/bash
# Done when a process of the container holds a network namespace of its own, owned by a nested user namespace, with lo up.
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
box_user=$(stat -L -c %i "/proc/$GB_PID/ns/user")
box_net=$(stat -L -c %i "/proc/$GB_PID/ns/net")
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  net=$(stat -L -c %i "$dir/ns/net" 2>/dev/null); user=$(stat -L -c %i "$dir/ns/user" 2>/dev/null)
  [ -n "$net" ] && [ "$net" != "$box_net" ] && [ "$user" != "$box_user" ] || continue
  # Read the interface's flags from inside its network namespace (netlink), changing nothing.
  flags=$(nsenter -t "${dir#/proc/}" -n ip -o link show lo 2>/dev/null | sed -n 's/^[0-9]*: lo: <\([^>]*\)>.*/\1/p')
  echo "${dir#/proc/} ($(cat "$dir/comm")): net:[$net] user:[$user], lo <$flags>"
  case ",$flags," in *,UP,*) exit 0 ;; esac
done
echo "no process holds a network namespace of its own with lo up: run unshare -Urn sh -c 'ip link set lo up && exec sleep 1000' &"
exit 1
