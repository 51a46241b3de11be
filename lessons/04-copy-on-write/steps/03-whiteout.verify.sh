#!/bin/bash
# Done when the upper dir holds a whiteout (a 0/0 character device) for etc/os-release, and the container no longer sees the file.
set -u
[ -d "$GB_UPPER" ] || { echo "the container has no upper directory"; exit 1; }
entry=$(find "$GB_UPPER" -maxdepth 2 -path "$GB_UPPER/etc/os-release" -printf '%y' -quit)
case "$entry" in
  '') echo "the upper directory has nothing for etc/os-release yet: delete the image's file with rm /etc/os-release"; exit 1 ;;
  c) ;;
  *) echo "etc/os-release in the upper directory is a copy (type $entry), not a whiteout: remove it with rm /etc/os-release"; exit 1 ;;
esac
numbers=$(stat -c '%t:%T' "$GB_UPPER/etc/os-release")
echo "$GB_UPPER/etc/os-release: a character device $numbers"
[ "$numbers" = 0:0 ] || { echo "etc/os-release in the upper directory is a device, but not 0/0: it is not a whiteout"; exit 1; }
if $GB_EXEC test -e /etc/os-release; then
  echo "the container still sees /etc/os-release: remove it with rm /etc/os-release"
  exit 1
fi
