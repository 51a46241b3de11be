sh -c 'sync & exec sleep 1000' > /dev/null 2>&1 &
# Wait (at most 5 s) until the killed sync lies in the process table, as a learner would look before going on.
i=0; while [ $i -lt 50 ] && ! ps -o stat | grep -q '^Z'; do sleep 0.1; i=$((i + 1)); done
