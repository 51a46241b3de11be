mkdir -p /mnt
unshare -r -m sh -c '
  mount -t tmpfs lab /mnt && mount --make-shared /mnt
  unshare -m --propagation slave sleep 1000000 &
  sleep 0.5
  mkdir /mnt/sub && mount -t tmpfs sub /mnt/sub
  exec sleep 1000000
' </dev/null >/dev/null 2>&1 &
sleep 1
