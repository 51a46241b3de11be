#!/bin/bash
# Done when usr/local/bin/gbprobe (hundreds of KB in the tools layer) has been copied up whole into the upper dir.
set -u
[ -d "$GB_UPPER" ] || { echo "the container has no upper directory"; exit 1; }
copy=$GB_UPPER/usr/local/bin/gbprobe
type=$(find "$GB_UPPER" -maxdepth 4 -path "$copy" -printf '%y' -quit)
case "$type" in
  f) ;;
  '') echo "usr/local/bin/gbprobe is not in the upper directory yet: append one byte to it with printf x >> /usr/local/bin/gbprobe"; exit 1 ;;
  *) echo "usr/local/bin/gbprobe in the upper directory is not a regular file (type $type): append to the image's gbprobe instead"; exit 1 ;;
esac
# Allocated blocks, not the apparent size: a copy that were sparse or metadata-only would not count.
size=$(stat -c %s "$copy")
used=$(( $(stat -c %b "$copy") * $(stat -c %B "$copy") ))
echo "$copy: $size bytes, $used bytes allocated in the upper directory"
if [ "$used" -lt 102400 ]; then
  echo "the upper copy of gbprobe holds only $used bytes: append to the original (printf x >> /usr/local/bin/gbprobe), do not replace it"
  exit 1
fi
