# box.sh - helpers the verify scripts of this lesson source: the container's processes and their namespaces, read on the host.
# The container's processes are those in its cgroup: unshare makes new namespaces, never a new cgroup.
box_cgroup=$(cat "/proc/$GB_PID/cgroup" 2>/dev/null) || { echo "the container's init ($GB_PID) is gone"; exit 1; }
box_userns=$(stat -L -c %i "/proc/$GB_PID/ns/user")
box_pidns=$(stat -L -c %i "/proc/$GB_PID/ns/pid")
box_mntns=$(stat -L -c %i "/proc/$GB_PID/ns/mnt")
box_utsns=$(stat -L -c %i "/proc/$GB_PID/ns/uts")
# How many PID namespaces deep the container's init is, seen from here (the NSpid line has one number per level).
box_depth=$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$GB_PID/status")

# Host PIDs of the container's processes, the nested ones included.
box_procs() {
  local dir
  for dir in /proc/[0-9]*; do
    [ "$(cat "$dir/cgroup" 2>/dev/null)" = "$box_cgroup" ] && echo "${dir#/proc/}"
  done
}
ns_of() { stat -L -c %i "/proc/$1/ns/$2" 2>/dev/null; }
# How many PID namespaces deep a process is.
depth_of() { awk '/^NSpid:/ { print NF - 1 }' "/proc/$1/status" 2>/dev/null; }
# Its PID inside its own (innermost) PID namespace.
inner_pid_of() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status" 2>/dev/null; }
# The hostname of its UTS namespace (nsenter joins only that namespace, for one `hostname`).
hostname_of() { nsenter -t "$1" -u hostname 2>/dev/null; }
# Whether the procfs visible at PATH (under the process's root) belongs to the process's own PID namespace:
# its /proc/1/ns/pid is the PID namespace of that procfs's PID 1.
own_proc_at() { [ "$(stat -L -c %i "/proc/$1/root$2/1/ns/pid" 2>/dev/null)" = "$(ns_of "$1" pid)" ]; }
cmd_of() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null; }
