#!/bin/bash
# Done when /root/bundle/rootfs in the container runs a shell as its root (chroot into it, inside the container).
set -u
$GB_EXEC test -d /root/bundle/rootfs || { echo "there is no /root/bundle/rootfs yet: mkdir -p /root/bundle/rootfs/bin"; exit 1; }
$GB_EXEC test -f /root/bundle/rootfs/bin/busybox || { echo "/root/bundle/rootfs/bin/busybox is missing: cp /bin/busybox /root/bundle/rootfs/bin/"; exit 1; }
# chroot resolves /bin/sh inside the new root, as a runtime would: an absolute link would point at the copy, a broken one fails.
out=$($GB_EXEC chroot /root/bundle/rootfs /bin/sh -c 'echo rootfs-ok' 2>&1)
if [ "$out" != rootfs-ok ]; then
  echo "chroot /root/bundle/rootfs /bin/sh does not run ($out): link the shell with ln -s busybox /root/bundle/rootfs/bin/sh"
  exit 1
fi
echo "chroot /root/bundle/rootfs /bin/sh runs: the rootfs is ready"
