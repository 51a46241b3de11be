sleep 1000 &
