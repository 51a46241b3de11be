#!/bin/bash
# Done when a sleep of the learner's runs in the container's PID namespace (besides the container's own command).
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
count=0
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  [ "$(cat "$dir/comm" 2>/dev/null)" = sleep ] || continue
  nspid=$(awk '/^NSpid:/ { $1 = ""; print }' "$dir/status" 2>/dev/null)
  echo "sleep: host PID ${dir#/proc/}, NSpid:$nspid"
  count=$((count + 1))
done
# One sleep is the container's own command (sleep 1000000000); the learner's is a second one.
if [ "$count" -lt 2 ]; then
  echo "only the container's own sleep runs in its PID namespace: start one of yours with sleep 1000 &"
  exit 1
fi
