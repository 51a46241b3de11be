#!/bin/bash
# Done when tmp/f in the upper dir belongs, on the host, to the host ids that container ids 1000:1000 map to.
set -u
read -r _ ubase _ < "/proc/$GB_PID/uid_map" || { echo "the container's init ($GB_PID) is gone"; exit 1; }
read -r _ gbase _ < "/proc/$GB_PID/gid_map"
echo "uid_map: 0 -> $ubase; gid_map: 0 -> $gbase"
owner=$(find "$GB_UPPER" -maxdepth 2 -path "$GB_UPPER/tmp/f" -type f -printf '%U:%G' -quit)
[ -n "$owner" ] || { echo "the container's upper directory has no file tmp/f: create it with touch /tmp/f"; exit 1; }
echo "tmp/f on the host: $owner"
if [ "$owner" != "$((ubase + 1000)):$((gbase + 1000))" ]; then
  echo "tmp/f belongs to $owner on the host, not to what 1000:1000 maps to: run chown 1000:1000 /tmp/f"
  exit 1
fi
