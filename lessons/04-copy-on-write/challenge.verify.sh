#!/bin/bash
# Done when etc/hostname is a regular file in the upper dir whose content is still the image's ("glassbox").
set -u
[ -d "$GB_UPPER" ] || { echo "the container has no upper directory"; exit 1; }
copy=$GB_UPPER/etc/hostname
type=$(find "$GB_UPPER" -maxdepth 2 -path "$copy" -printf '%y' -quit)
case "$type" in
  f) ;;
  '') echo "etc/hostname is not in the upper directory: writing is not the only change that needs a copy of the file"; exit 1 ;;
  *) echo "etc/hostname in the upper directory is not a regular file (type $type): it was deleted or replaced, not copied up"; exit 1 ;;
esac
content=$($GB_EXEC cat /etc/hostname) || { echo "cannot read /etc/hostname in the container"; exit 1; }
echo "$copy: $(stat -c %s "$copy") bytes; the container reads \"$content\""
if [ "$content" != glassbox ] || [ "$(stat -c %s "$copy")" != 9 ]; then
  echo "/etc/hostname was copied up but its content changed: the image's file says glassbox"
  exit 1
fi
