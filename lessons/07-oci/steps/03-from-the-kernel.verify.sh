#!/bin/bash
# Done when config.json asks for this container's own uid/gid maps, no_new_privs and RLIMIT_NOFILE, as the kernel reports them for its init.
set -u
uid_map=$(head -n1 "/proc/$GB_PID/uid_map") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
gid_map=$(head -n1 "/proc/$GB_PID/gid_map") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
nnp=$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$GB_PID/status")
nofile=$(awk '/^Max open files/ { print $4 }' "/proc/$GB_PID/limits")
echo "the kernel: uid_map $uid_map, gid_map $gid_map, NoNewPrivs $nnp, RLIMIT_NOFILE $nofile"
out=$(node "$(dirname "$0")/../oci-check.mjs" config /root/bundle/config.json --kernel "$uid_map" "$gid_map" "$nnp" "$nofile" 2>&1)
status=$?
echo "$out" | grep -v '^arg0 '
exit $status
