unshare -Ur sleep 1000 > /dev/null 2>&1 &
# Wait (at most 5 s) until unshare has become sleep, as a learner would look before going on.
i=0; while [ $i -lt 50 ] && ! grep -qx sleep /proc/$!/comm; do sleep 0.1; i=$((i + 1)); done
