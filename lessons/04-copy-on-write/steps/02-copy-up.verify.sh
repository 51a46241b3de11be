#!/bin/bash
# Done when etc/passwd was copied up: a regular file in the upper dir holding the image's lines and more.
set -u
[ -d "$GB_UPPER" ] || { echo "the container has no upper directory"; exit 1; }
type=$(find "$GB_UPPER" -maxdepth 2 -path "$GB_UPPER/etc/passwd" -printf '%y' -quit)
case "$type" in
  f) ;;
  '') echo "etc/passwd is not in the upper directory yet: append a line to /etc/passwd"; exit 1 ;;
  *) echo "etc/passwd in the upper directory is not a regular file (type $type): append a line to the image's /etc/passwd instead"; exit 1 ;;
esac
lines=$(wc -l < "$GB_UPPER/etc/passwd")
echo "$GB_UPPER/etc/passwd: $(stat -c %s "$GB_UPPER/etc/passwd") bytes, $lines lines"
# The image's file starts with root's line: the upper copy must hold it, and the appended line after it.
if ! head -n 1 "$GB_UPPER/etc/passwd" | grep -q '^root:'; then
  echo "the upper copy of etc/passwd no longer starts with the image's root line: append to /etc/passwd with >>, do not replace it"
  exit 1
fi
if [ "$lines" -le 2 ]; then
  echo "etc/passwd was copied up but has no line added: append one with echo '...' >> /etc/passwd"
  exit 1
fi
