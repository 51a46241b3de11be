# nested.sh - sourced by this lesson's verify scripts: the container's processes, and one process in each namespace nested in it.
# Every process of the container, nested namespaces included, stays in its cgroup: unshare makes namespaces, not cgroups.
box_pids() {
  local d
  for d in $GB_CGROUP; do find "$d" -name cgroup.procs -exec cat {} +; done 2>/dev/null | sort -un
}

# "PID INODE" for the first process found in each namespace of type $1 (user, mnt, ipc, net...) other than $2, the
# container's own; nsenter -t PID then reaches that namespace. Read it with a here-string (3<<<"$(nested_ns ...)"), not
# <(...): process substitution needs /dev/fd, which a minimal /dev (the cgroup-v2 test VM's) does not have.
nested_ns() {
  local type=$1 own=$2 pid ns seen=
  for pid in $(box_pids); do
    ns=$(stat -L -c %i "/proc/$pid/ns/$type" 2>/dev/null) || continue
    [ "$ns" != "$own" ] || continue
    case " $seen " in *" $ns "*) continue ;; esac
    seen="$seen $ns"
    echo "$pid $ns"
  done
}
