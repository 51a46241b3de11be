#!/bin/bash
# Done when the kernel is throttling the container's CPU cgroup at its quota now: nr_throttled in cpu.stat grows within two seconds.
set -u
file=
for dir in $GB_CGROUP; do
  # cpu.stat with throttling counters lives beside the quota: cpu.max (v2) or cpu.cfs_quota_us (v1's cpu tree).
  if [ -f "$dir/cpu.max" ] || [ -f "$dir/cpu.cfs_quota_us" ]; then file=$dir/cpu.stat; fi
done
[ -n "$file" ] && [ -f "$file" ] || { echo "the container has no cpu cgroup"; exit 1; }
throttled() { awk '$1 == "nr_throttled" { print $2 }' "$file"; }
# Earlier steps may have been throttled already (an OOM's reclaim burns CPU): what counts is throttling now.
before=$(throttled) || { echo "cannot read $file"; exit 1; }
sleep 2
after=$(throttled)
echo "$file: nr_throttled ${before:-?} -> ${after:-?} in 2 s (at most 20 periods of 100 ms)"
if [ $(( ${after:-0} - ${before:-0} )) -lt 3 ]; then
  echo "the kernel is not throttling the container now: keep the CPUs busy in the background with for i in 1 2; do timeout 20 yes > /dev/null & done"
  exit 1
fi
