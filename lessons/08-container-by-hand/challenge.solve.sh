mkdir -p /root/two/bin /root/two/proc && cp /bin/busybox /root/two/bin/ && ln -sf busybox /root/two/bin/sleep
unshare -r -m -p -f -u sh -c 'hostname two; mount --bind /root/two /root/two; mount -t proc proc /root/two/proc; exec chroot /root/two /bin/sleep 1000' > /dev/null 2>&1 &
# Wait until a sleep runs with /root/two as its root (a learner would not notice the moment).
ready() { for p in /proc/[0-9]*; do [ "$(readlink $p/root 2>/dev/null)" = /root/two ] && [ "$(cat $p/comm 2>/dev/null)" = sleep ] && return 0; done; return 1; }
until ready; do sleep 0.1; done
