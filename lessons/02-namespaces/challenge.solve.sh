unshare -r sh -c '
  unshare -n sleep 1000000 & S=$!
  unshare -n sleep 1000000 & A=$!
  unshare -n sleep 1000000 & B=$!
  sleep 0.5
  nsenter -t $S -n sh -c "ip link add br0 type bridge && ip link set br0 up"
  # busybox ip names each new peer veth0 itself; the name is free again once the last one has moved
  nsenter -t $S -n ip link add pa type veth
  nsenter -t $S -n ip link set veth0 netns $A
  nsenter -t $S -n ip link add pb type veth
  nsenter -t $S -n ip link set veth0 netns $B
  nsenter -t $S -n sh -c "ip link set pa master br0 && ip link set pa up && ip link set pb master br0 && ip link set pb up"
  nsenter -t $A -n sh -c "ip addr add 10.1.0.1/24 dev veth0 && ip link set veth0 up"
  nsenter -t $B -n sh -c "ip addr add 10.1.0.2/24 dev veth0 && ip link set veth0 up"
  nsenter -t $A -n ping -c 1 -W 3 10.1.0.2
' </dev/null
