mkdir -p /root/bundle/rootfs/bin /root/bundle/rootfs/proc /root/bundle/rootfs/dev /root/bundle/rootfs/sys /root/bundle/rootfs/tmp
cp /bin/busybox /root/bundle/rootfs/bin/ && ln -s busybox /root/bundle/rootfs/bin/sh
chroot /root/bundle/rootfs /bin/sh -c 'echo hello from the rootfs; busybox ls /'
