#!/bin/bash
# Done when /mnt/sub is mounted in a nested mount namespace and propagated into another as a slave (same device, master:N).
set -u
. "$(dirname "$0")/../nested.sh"
box_mnt=$(stat -L -c %i "/proc/$GB_PID/ns/mnt") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
if awk '$5 == "/mnt" || $5 ~ "^/mnt/" { found = 1 } END { exit !found }' "/proc/$GB_PID/mountinfo"; then
  echo "the container's own mount namespace has a mount under /mnt: mount in a nested mount namespace (unshare -r -m sh) instead"
  exit 1
fi
# One line per nested mount namespace that has /mnt/sub: namespace, device, propagation tags.
lines=
while read -r pid ns <&3; do  # on fd 3: what runs in the loop keeps its own stdin
  [ -n "$pid" ] || continue
  # mountinfo: ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [TAGS...] - TYPE SOURCE SUPEROPTIONS; the last /mnt/sub wins.
  sub=$(awk '$5 == "/mnt/sub" && $4 == "/" { tags = ""; for (i = 7; $i != "-"; i++) tags = tags " " $i; line = $3 tags } END { print line }' "/proc/$pid/mountinfo" 2>/dev/null)
  [ -n "$sub" ] && lines="$lines$ns $sub"$'\n'
done 3<<<"$(nested_ns mnt "$box_mnt")"
printf '%s' "$lines" | awk '{ t = ""; for (i = 3; i <= NF; i++) t = t " " $i; print "mnt:[" $1 "] /mnt/sub: device " $2 ", propagation" (t == "" ? " private" : t) }'
# A shared mount in one namespace and a slave of its peer group, on the same device, in another.
if printf '%s' "$lines" | awk '
  { for (i = 3; i <= NF; i++) { split($i, t, ":"); if (t[1] == "shared") shared[$2 ":" t[2]] = $1; if (t[1] == "master") master[$2 ":" t[2]] = $1 } }
  END { for (k in master) if (k in shared && shared[k] != master[k]) ok = 1; exit !ok }'; then
  exit 0
fi
if [ -z "$lines" ]; then
  echo "no nested mount namespace has a tmpfs on /mnt/sub yet: in unshare -r -m sh, mount /mnt, make it shared, start the slave namespace, then mount /mnt/sub"
else
  echo "/mnt/sub did not propagate from a shared mount into a slave namespace: make /mnt shared, start unshare -m --propagation slave sleep 1000000 &, then mount /mnt/sub"
fi
exit 1
