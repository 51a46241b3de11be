unshare -U sleep 1000000 </dev/null >/dev/null 2>&1 &
sleep 0.5
echo '0 0 1' > /proc/$!/uid_map
