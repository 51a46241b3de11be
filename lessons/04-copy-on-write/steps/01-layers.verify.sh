#!/bin/bash
# Done when /root/lowerdir in the container holds the lowerdir= option of the container's root overlay, as the kernel reports it.
set -u
# The container's root is the mount at / in its own mount namespace: field 5 of its mountinfo line is "/".
lower=$(awk '$5 == "/" { for (i = 1; i <= NF; i++) if ($i == "-") { print $(i + 3); exit } }' "/proc/$GB_PID/mountinfo" | tr ',' '\n' | grep '^lowerdir=')
[ -n "$lower" ] || { echo "the container's root is not an overlay mount with lower directories"; exit 1; }
echo "the kernel: $lower ($(printf %s "${lower#lowerdir=}" | awk -F: "{ print NF }") layers)"
saved=$($GB_EXEC cat /root/lowerdir 2>/dev/null) || {
  echo "the container has no /root/lowerdir yet: save the lowerdir= option of the / line of /proc/self/mountinfo into it"
  exit 1
}
if [ "$(printf %s "$saved" | tr -d '\n')" != "$lower" ]; then
  echo "/root/lowerdir holds \"$(printf %s "$saved" | head -c 80)\", not the lowerdir= option of the root mount: grep ' / / ' /proc/self/mountinfo | grep -o 'lowerdir=[^,]*' > /root/lowerdir"
  exit 1
fi
