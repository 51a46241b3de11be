#!/bin/bash
# Done when the overlay's upper dir (on the host) holds etc/x: the write landed in this container's own layer.
set -u
[ -d "$GB_UPPER" ] || { echo "the container has no upper directory"; exit 1; }
# find walks the upper dir without following symbolic links the container may have made there.
entry=$(find "$GB_UPPER" -maxdepth 2 -path "$GB_UPPER/etc/x" -printf '%y' -quit)
case "$entry" in
  f) echo "$GB_UPPER/etc/x is a regular file in the container's upper directory" ;;
  '') echo "the container's upper directory has no etc/x yet: create the file with touch /etc/x"; exit 1 ;;
  *) echo "/etc/x exists but is not a regular file: remove it and create a file with touch /etc/x"; exit 1 ;;
esac
