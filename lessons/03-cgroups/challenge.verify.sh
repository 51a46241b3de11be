#!/bin/bash
# Done when the memory cgroup is charged 40 MiB more than its processes' resident memory (tmpfs or page cache, not a process).
set -u
mem= procs=
for dir in $GB_CGROUP; do
  if [ "$GB_CGROUP_VERSION" = 2 ] && [ -f "$dir/memory.current" ]; then mem=$dir/memory.current; procs=$dir/cgroup.procs
  elif [ -f "$dir/memory.usage_in_bytes" ]; then mem=$dir/memory.usage_in_bytes; procs=$dir/cgroup.procs
  fi
done
[ -n "$mem" ] || { echo "the container has no memory cgroup"; exit 1; }
charged=$(( $(cat "$mem") / 1024 ))
rss=0
while read -r pid; do
  # Builtins only: one fork per process would be slow while the CPU quota is in use.
  while read -r key value _; do
    [ "$key" = VmRSS: ] && { rss=$((rss + value)); break; }
  done < "/proc/$pid/status" 2>/dev/null
done < "$procs"
gap=$(( (charged - rss) / 1024 )); [ "$gap" -ge 0 ] || gap=0
echo "$mem: $((charged / 1024)) MiB charged; the processes' resident memory: $((rss / 1024)) MiB; the rest: $gap MiB"
if [ "$gap" -lt 40 ]; then
  echo "only $gap MiB of the cgroup's charge belongs to no process: where does memory live that is not any process's (lesson 1, step 4)?"
  exit 1
fi
