#!/bin/bash
# Done when /root/bundle/config.json passes glassbox's config parser, points at the rootfs, and its program exists there.
set -u
out=$(node "$(dirname "$0")/../oci-check.mjs" config /root/bundle/config.json 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -v '^arg0 '
arg0=$(echo "$out" | sed -n 's/^arg0 //p')
# Inside the new root, as the runtime's execve will see it (an absolute link resolves within the rootfs).
if ! $GB_EXEC chroot /root/bundle/rootfs /bin/busybox test -x "$arg0"; then
  echo "process.args[0] is $arg0, which is not an executable file in /root/bundle/rootfs: use \"/bin/sh\""
  exit 1
fi
echo "$arg0 is executable in the rootfs"
