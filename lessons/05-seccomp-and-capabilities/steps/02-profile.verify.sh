#!/bin/bash
# Done when /tmp/note has mode 600 (the chmod went through the LOG action) and mkdir is still refused.
set -u
mode=$($GB_EXEC stat -c %a /tmp/note 2>/dev/null) || { echo "/tmp/note is gone: write it again with echo hello > /tmp/note"; exit 1; }
echo "/tmp/note: mode $mode"
# The filter is still on: the container's init runs in filter mode (2).
mode_init=$(awk '/^Seccomp:/ { print $2 }' "/proc/$GB_PID/status") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
[ "$mode_init" = 2 ] || { echo "the container runs without a seccomp filter (Seccomp: $mode_init)"; exit 1; }
if [ "$mode" != 600 ]; then
  echo "/tmp/note has mode $mode, not 600: run chmod 600 /tmp/note"
  exit 1
fi
