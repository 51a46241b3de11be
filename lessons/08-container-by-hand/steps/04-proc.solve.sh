unshare -r -m -p -f -u sh -c 'hostname byhand; mount --bind /root/box /root/box; mount -t proc proc /root/box/proc; touch /tmp/proc.ready; exec sleep 1000' > /dev/null 2>&1 &
# The namespaces are made in the background: wait until it has done its part (a learner would not notice).
while [ ! -e /tmp/proc.ready ]; do sleep 0.1; done
