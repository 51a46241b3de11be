#!/bin/bash
# Done when two nested network namespaces of the container are joined by a veth pair, both ends up with an IPv4 address.
set -u
. "$(dirname "$0")/../nested.sh"
box_net=$(stat -L -c %i "/proc/$GB_PID/ns/net") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
# One line per veth in a nested network namespace: NS IFINDEX PEER-IFINDEX NAME UP(0/1) IPV4-or-none.
# ip runs in this script's process after nsenter's setns(); /proc/PID/net alone does not name a veth's peer.
veths=
seen=
while read -r pid ns <&3; do  # on fd 3: what runs in the loop keeps its own stdin
  [ -n "$pid" ] || continue
  seen="$seen $ns"
  veths="$veths$(nsenter -t "$pid" -n sh -c 'ip -o link show type veth; ip -o -4 addr show' 2>/dev/null | awk -v ns="$ns" '
    $3 == "inet" { sub(/:$/, "", $2); addr[$2] = $4; next }
    { idx = $1; sub(/:$/, "", idx); split($2, n, "@"); name = n[1]; peer = n[2]; sub(/^if/, "", peer); sub(/:$/, "", peer)
      up = ($3 ~ /[<,]UP[,>]/ && $3 ~ /LOWER_UP/) ? 1 : 0; line[name] = ns " " idx " " peer " " name " " up }
    END { for (d in line) print line[d] " " (d in addr ? addr[d] : "none") }')"$'\n'
done 3<<<"$(nested_ns net "$box_net")"
[ -n "$seen" ] || { echo "no process of the container is in a network namespace of its own: in unshare -r sh, start two with unshare -n sleep 1000000 &"; exit 1; }
pair=$(printf '%s' "$veths" | awk 'NF == 6 { ns[NR] = $1; idx[NR] = $2; peer[NR] = $3; name[NR] = $4; up[NR] = $5; ip[NR] = $6; n = NR }
  END { for (i = 1; i <= n; i++) for (j = 1; j <= n; j++)
    if (ns[i] != ns[j] && peer[i] == idx[j] && peer[j] == idx[i] && up[i] && up[j] && ip[i] != "none" && ip[j] != "none") {
      print "net:[" ns[i] "] " name[i] " " ip[i] " <-> net:[" ns[j] "] " name[j] " " ip[j]; exit } }')
if [ -n "$pair" ]; then
  echo "$pair (the container's is net:[$box_net])"
  exit 0
fi
count=$(printf '%s' "$veths" | awk 'NF == 6' | wc -l)
if [ "$count" -lt 2 ]; then
  echo "no veth pair spans two nested network namespaces yet: create it with nsenter -t \$A -n ip link add v0 type veth and move veth0 with ip link set veth0 netns \$B"
else
  echo "the veth ends are not both up with an address yet: ip addr add 10.0.0.1/24 dev v0 and 10.0.0.2/24 dev veth0, then ip link set ... up on each side"
fi
exit 1
