#!/bin/bash
# Done when a bridge in a nested network namespace has two veth ports whose peers sit, up and addressed, in two other namespaces.
set -u
. "$(dirname "$0")/nested.sh"
box_net=$(stat -L -c %i "/proc/$GB_PID/ns/net") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
# One line per veth or bridge in a nested network namespace: NS IFINDEX PEER NAME UP MASTER IPV4 KIND
# (PEER and MASTER are - when absent, IPV4 none). ip reads the namespace nsenter joined with setns().
links=
seen=
while read -r pid ns <&3; do  # on fd 3: what runs in the loop keeps its own stdin
  [ -n "$pid" ] || continue
  seen="$seen $ns"
  links="$links$(nsenter -t "$pid" -n sh -c 'ip -o link show type veth | sed "s/^/veth /"; ip -o link show type bridge | sed "s/^/bridge /"; ip -o -4 addr show | sed "s/^/addr /"' 2>/dev/null | awk -v ns="$ns" '
    $1 == "addr" { sub(/:$/, "", $3); addr[$3] = $5; next }
    { kind = $1; idx = $2; sub(/:$/, "", idx); split($3, n, "@"); name = n[1]; sub(/:$/, "", name)
      peer = "-"; if (n[2] != "") { peer = n[2]; sub(/^if/, "", peer); sub(/:$/, "", peer) }
      up = ($4 ~ /[<,]UP[,>]/ && ($4 ~ /LOWER_UP/ || kind == "bridge")) ? 1 : 0
      master = "-"; for (i = 5; i < NF; i++) if ($i == "master") master = $(i + 1)
      line[name] = ns " " idx " " peer " " name " " up " " master; kinds[name] = kind }
    END { for (d in line) print line[d] " " (d in addr ? addr[d] : "none") " " kinds[d] }')"$'\n'
done 3<<<"$(nested_ns net "$box_net")"
[ -n "$seen" ] || { echo "no process of the container is in a network namespace of its own yet"; exit 1; }
result=$(printf '%s' "$links" | awk 'NF == 8 { ns[NR] = $1; idx[NR] = $2; peer[NR] = $3; name[NR] = $4; up[NR] = $5; master[NR] = $6; ip[NR] = $7; kind[NR] = $8; n = NR }
  END {
    bridges = 0
    for (b = 1; b <= n; b++) {
      if (kind[b] != "bridge") continue
      bridges++
      if (!up[b]) { why = "bridge " name[b] " is down"; continue }
      got = 0; outer = ""
      for (p = 1; p <= n; p++) {
        if (kind[p] != "veth" || ns[p] != ns[b] || master[p] != name[b] || !up[p]) continue
        for (q = 1; q <= n; q++)
          if (kind[q] == "veth" && ns[q] != ns[b] && peer[p] == idx[q] && peer[q] == idx[p] && up[q] && ip[q] != "none" && index(outer, " " ns[q] " ") == 0) {
            outer = outer " " ns[q] " "; got++; desc = desc " net:[" ns[q] "] " name[q] " " ip[q] ";"
          }
      }
      if (got >= 2) { print "ok bridge " name[b] " in net:[" ns[b] "], ports reaching" desc; exit }
      why = "bridge " name[b] " in net:[" ns[b] "] reaches " got " other namespace(s) through up veth ports whose far ends are up with an IPv4 address; it needs 2"
    }
    if (!bridges) why = "no nested network namespace has a bridge yet"
    print why
  }')
echo "$result"
case "$result" in ok*) exit 0 ;; *) exit 1 ;; esac
