unshare -Urm sh -c 'mount -t tmpfs tmpfs /tmp && mkdir /tmp/upper /tmp/work /tmp/merged && mount -t overlay overlay -o lowerdir=/etc,upperdir=/tmp/upper,workdir=/tmp/work /tmp/merged && echo "glass:x:1000:1000::/:/bin/sh" >> /tmp/merged/passwd && exec sleep 1000' > /dev/null 2>&1 &
# Wait (at most 5 s) until the shell has mounted the overlay and become sleep, as a learner would look before going on.
i=0; while [ $i -lt 50 ] && ! grep -qx sleep /proc/$!/comm; do sleep 0.1; i=$((i + 1)); done
