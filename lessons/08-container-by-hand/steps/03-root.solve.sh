mkdir -p /root/box/bin /root/box/proc /root/box/tmp && cp /bin/busybox /root/box/bin/
for cmd in sh ls ps cat echo hostname mount umount sleep id; do ln -sf busybox /root/box/bin/$cmd; done
unshare -r -m -p -f -u sh -c 'hostname byhand; mount --bind /root/box /root/box; touch /tmp/root.ready; exec sleep 1000' > /dev/null 2>&1 &
# The namespaces are made in the background: wait until it has done its part (a learner would not notice).
while [ ! -e /tmp/root.ready ]; do sleep 0.1; done
