#!/bin/bash
# Done when a process runs a setuid-root file as nobody and is still nobody, without capabilities: no_new_privs at work.
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
base=$(awk 'NR == 1 { print $2 }' "/proc/$GB_PID/uid_map")
nobody=$((base + 65534))
seen=
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  # The program's file, as the kernel opened it: mode in octal, owner as a host uid.
  file=$(stat -L -c '%a %u' "$dir/exe" 2>/dev/null) || continue
  set -- $file
  mode=$1 owner=$2
  [ "$owner" = "$base" ] && [ $((8#$mode & 04000)) != 0 ] || continue
  vals=$(awk '/^Uid:/ { r = $2; e = $3 } /^CapEff:/ { c = $2 } /^NoNewPrivs:/ { n = $2 }
    END { print r, e, c, n }' "$dir/status" 2>/dev/null) || continue
  set -- $vals
  [ $# = 4 ] || continue
  ruid=$1 euid=$2 eff=$3 nnp=$4
  [ "$ruid" = "$nobody" ] || continue
  seen=1
  echo "${dir#/proc/} ($(cat "$dir/comm")): setuid-root file (mode $mode), uid $ruid, euid $euid, CapEff $eff, NoNewPrivs $nnp"
  if [ "$euid" = "$nobody" ] && [ "$((0x$eff))" = 0 ] && [ "$nnp" = 1 ]; then exit 0; fi
done
if [ -n "$seen" ]; then echo "the setuid program gained privileges: it should not, under no_new_privs"; exit 1; fi
echo "no process runs a setuid-root program as nobody: make /tmp/probe setuid (chmod u+s) and run it with su -s /bin/sh nobody -c 'exec /tmp/probe sleep 1000' &"
exit 1
