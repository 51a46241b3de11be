#!/bin/bash
# Done when the container holds a zombie killed by SIGSYS (31): the kernel's record of a seccomp KILL.
set -u
box_pid_ns=$(stat -L -c %i "/proc/$GB_PID/ns/pid") || { echo "the container's init ($GB_PID) is gone"; exit 1; }
for dir in /proc/[0-9]*; do
  [ "$(stat -L -c %i "$dir/ns/pid" 2>/dev/null)" = "$box_pid_ns" ] || continue
  # /proc/PID/stat: field 3 is the state, field 52 the exit code as wait() reports it. comm (field 2)
  # may hold spaces, so count from after its closing parenthesis.
  fields=$(sed 's/.*) //' "$dir/stat" 2>/dev/null) || continue
  set -- $fields
  state=${1:-} code=${50:-0}
  [ "$state" = Z ] || continue
  signal=$((code & 127))
  echo "zombie ${dir#/proc/} ($(cat "$dir/comm" 2>/dev/null)): exit code $code, signal $signal"
  [ "$signal" = 31 ] && exit 0
done
echo "no process in the container lies dead of SIGSYS: run sh -c 'sync & exec sleep 1000' &"
exit 1
