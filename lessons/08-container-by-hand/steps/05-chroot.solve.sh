unshare -r -m -p -f -u sh -c 'hostname byhand; mount --bind /root/box /root/box; mount -t proc proc /root/box/proc; exec chroot /root/box /bin/sh -c "touch /tmp/chroot.ready; exec sleep 1000"' > /dev/null 2>&1 &
# The namespaces are made in the background: wait until it has done its part (a learner would not notice).
while [ ! -e /root/box/tmp/chroot.ready ]; do sleep 0.1; done
