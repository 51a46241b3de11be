#!/bin/bash
# Done when tmp/last in the upper dir belongs, on the host, to the last uid and gid of the container's maps.
set -u
read -r _ ubase usize < "/proc/$GB_PID/uid_map" || { echo "the container's init ($GB_PID) is gone"; exit 1; }
read -r _ gbase gsize < "/proc/$GB_PID/gid_map"
want="$((ubase + usize - 1)):$((gbase + gsize - 1))"
owner=$(find "$GB_UPPER" -maxdepth 2 -path "$GB_UPPER/tmp/last" -type f -printf '%U:%G' -quit)
[ -n "$owner" ] || { echo "the container's upper directory has no file tmp/last yet"; exit 1; }
echo "tmp/last on the host: $owner; the range ends at $want"
[ "$owner" = "$want" ] || { echo "tmp/last belongs to $owner on the host, not to the last ids of the range: read /proc/self/uid_map"; exit 1; }
