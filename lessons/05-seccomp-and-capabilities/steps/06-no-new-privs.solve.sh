cp /usr/local/bin/gbprobe /tmp/probe
chmod u+s /tmp/probe
su -s /bin/sh nobody -c 'exec /tmp/probe sleep 1000' > /dev/null 2>&1 &
# Wait (at most 5 s) until the probe runs, as a learner would look before going on.
i=0; while [ $i -lt 50 ] && ! grep -qx probe /proc/$!/comm; do sleep 0.1; i=$((i + 1)); done
