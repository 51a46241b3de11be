#!/bin/bash
# Done when a zombie sits in a pid namespace nested in the container's, a child of that namespace's PID 1.
set -u
. "$(dirname "$0")/../nested.sh"
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
pids=$(box_pids)
# The nested namespaces' PID 1s: processes of the container with three or more NSpid levels, the last one 1.
inits=
for pid in $pids; do
  n=$(awk '/^NSpid:/ { if (NF >= 4 && $NF == 1) print NF - 1 }' "/proc/$pid/status" 2>/dev/null)
  [ -n "$n" ] && inits="$inits $pid"
done
[ -n "$inits" ] || { echo "no nested pid namespace has a PID 1 yet (no process with three NSpid levels): start one with unshare -r -p -f ..."; exit 1; }
# A zombie has left its cgroup and its namespaces are gone from /proc, but its status still names its parent.
zombie=$(grep -H -E '^(State|PPid|NSpid):' /proc/[0-9]*/status 2>/dev/null | awk -v inits="$inits" '
  BEGIN { n = split(inits, a, " "); for (i = 1; i <= n; i++) init[a[i]] = 1 }
  { split($0, f, ":"); file = f[1]; key = f[2]; sub(/^[^:]*:[^:]*:[ \t]*/, ""); v[file, key] = $0; files[file] = 1 }
  END {
    for (file in files) {
      split(v[file, "State"], s, " ")
      if (s[1] != "Z" || !(v[file, "PPid"] in init)) continue
      if (split(v[file, "NSpid"], ns, /[ \t]+/) >= 3) { print "NSpid " v[file, "NSpid"] ", parent host PID " v[file, "PPid"]; exit }
    }
  }')
if [ -n "$zombie" ]; then
  echo "a zombie in a nested pid namespace (the container's is pid:[$box_pid_ns]): $zombie, its PID 1"
  exit 0
fi
echo "a nested pid namespace exists, but its PID 1 has no zombie child: orphan a short sleep under a PID 1 that never waits (exec sleep), as in the step"
exit 1
