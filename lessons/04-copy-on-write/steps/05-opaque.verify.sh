#!/bin/bash
# Done when usr/local is an opaque directory in the upper dir: it hides the tools layer's usr/local/bin without any whiteout inside it.
set -u
[ -d "$GB_UPPER" ] || { echo "the container has no upper directory"; exit 1; }
dir=$GB_UPPER/usr/local
type=$(find "$GB_UPPER" -maxdepth 2 -path "$dir" -printf '%y' -quit)
case "$type" in
  d) ;;
  c) echo "usr/local is a whiteout: the directory is deleted; create it again with mkdir /usr/local"; exit 1 ;;
  '') echo "usr/local is not in the upper directory yet: rm -rf /usr/local && mkdir /usr/local"; exit 1 ;;
  *) echo "usr/local in the upper directory is not a directory (type $type)"; exit 1 ;;
esac
if command -v getfattr >/dev/null; then
  echo "$dir: $(getfattr --absolute-names -n trusted.overlay.opaque "$dir" 2>/dev/null | grep opaque || echo 'no trusted.overlay.opaque attribute')"
fi
# Opacity, shown by its effect: the tools layer has usr/local/bin/gbprobe; with no whiteout for it in the upper
# dir, only an opaque usr/local can hide it.
if $GB_EXEC test -e /usr/local/bin/gbprobe; then
  echo "the container still sees /usr/local/bin/gbprobe under /usr/local: remove the whole directory and create it again (rm -rf /usr/local && mkdir /usr/local)"
  exit 1
fi
if [ -n "$(find "$dir" -mindepth 1 -maxdepth 2 -type c -print -quit)" ]; then
  echo "usr/local in the upper directory hides the tools layer with whiteouts inside it, not by being opaque: remove /usr/local itself and create it again"
  exit 1
fi
