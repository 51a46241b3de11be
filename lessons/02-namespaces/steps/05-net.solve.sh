unshare -r sh -c '
  unshare -n sleep 1000000 & A=$!
  unshare -n sleep 1000000 & B=$!
  sleep 0.5
  nsenter -t $A -n ip link add v0 type veth
  nsenter -t $A -n ip link set veth0 netns $B
  nsenter -t $A -n sh -c "ip addr add 10.0.0.1/24 dev v0 && ip link set v0 up"
  nsenter -t $B -n sh -c "ip addr add 10.0.0.2/24 dev veth0 && ip link set veth0 up"
  nsenter -t $A -n ping -c 1 -W 2 10.0.0.2
' </dev/null
