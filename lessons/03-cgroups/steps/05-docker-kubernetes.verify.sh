#!/bin/bash
# Done when a process in the container's cgroup has oom_score_adj 1000, as a BestEffort pod's processes do.
set -u
procs=
for dir in $GB_CGROUP; do
  [ -f "$dir/cgroup.procs" ] && { procs=$dir/cgroup.procs; break; }
done
[ -n "$procs" ] || { echo "the container has no cgroup"; exit 1; }
# Only the container's processes, read with builtins: the check must stay quick while the CPU quota is in use.
found=
while read -r pid; do
  read -r adj < "/proc/$pid/oom_score_adj" 2>/dev/null || continue
  if [ "$adj" = 1000 ]; then
    read -r comm < "/proc/$pid/comm"; read -r score < "/proc/$pid/oom_score"
    echo "$comm: host PID $pid, oom_score_adj $adj, oom_score $score"
    found=$pid
    break
  fi
done < "$procs"
if [ -z "$found" ]; then
  echo "no process in the container has oom_score_adj 1000 yet: start sleep 1000 & and write 1000 into /proc/\$!/oom_score_adj"
  exit 1
fi
