#!/bin/bash
# Done when a sleep runs in the container as uid 65534 with empty effective and permitted sets but the bounding set kept.
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
# uid_map "0 BASE SIZE": container uid u is host uid BASE + u.
base=$(awk 'NR == 1 { print $2 }' "/proc/$GB_PID/uid_map")
nobody=$((base + 65534))
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  [ "$(cat "$dir/comm" 2>/dev/null)" = sleep ] || continue
  vals=$(awk '/^Uid:/ { u = $3 } /^CapEff:/ { e = $2 } /^CapPrm:/ { p = $2 } /^CapBnd:/ { b = $2 }
    END { print u, e, p, b }' "$dir/status" 2>/dev/null) || continue
  set -- $vals
  [ $# = 4 ] || continue
  euid=$1 eff=$2 prm=$3 bnd=$4
  [ "$euid" = "$nobody" ] || continue
  echo "sleep ${dir#/proc/}: host uid $euid (65534 inside), CapEff $eff CapPrm $prm CapBnd $bnd"
  if [ "$((0x$eff | 0x$prm))" = 0 ] && [ "$((0x$bnd))" != 0 ]; then exit 0; fi
done
echo "no sleep runs as nobody in the container: run su -s /bin/sh nobody -c 'exec sleep 1000' &"
exit 1
