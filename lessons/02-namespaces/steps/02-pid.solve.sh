unshare -r -p -f sh -c 'sh -c "sleep 1 &"; exec sleep 1000000' </dev/null >/dev/null 2>&1 &
sleep 2
