/* namespaces.c - id maps (parent side); cgroup joins, cgroup, time, uts and net set-up (child side). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "plan.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int write_file(const char *path, const char *data, size_t len, const char *stage, struct gb_error *err) {
  int fd cleanup_close = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return gb_fail(err, stage, "open", path, errno);
  ssize_t n = write(fd, data, len);
  if (n < 0) return gb_fail(err, stage, "write", path, errno);
  if ((size_t)n != len) return gb_fail(err, stage, "write", path, EIO);
  return 0;
}

/* Parent: the child waits for these before it touches anything (user_namespaces(7): "Defining user and group ID mappings"). */
int gb_write_id_maps(const struct gb_spawn_plan *p, pid_t pid, struct gb_error *err) {
  char path[64];
  if (p->uid_map) {
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
    if (write_file(path, p->uid_map, strlen(p->uid_map), "uid_map", err) < 0) return -1;
  }
  if (p->gid_map) {
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
    if (write_file(path, p->gid_map, strlen(p->gid_map), "gid_map", err) < 0) return -1;
  }
  return 0;
}

/* ---- child side: raw syscalls, no allocation ---------------------------------------------- */

/* Child, first thing after GO: cgroup v1 has no CLONE_INTO_CGROUP, so we move ourselves into each hierarchy's cgroup.
   Through the tasks file beside cgroup.procs, with "0" (ourselves): a thread moving itself skips the global
   cgroup_threadgroup_rwsem, whose write lock waits for an RCU grace period when it was idle (up to ~16 ms measured
   here; kernel/cgroup/cgroup.c, cgroup_procs_write_start), and we have one thread, so the whole process moves.
   Without a tasks file, "0" into cgroup.procs. Never our pid: in our new pid namespace that is 1, the host's init.
   We still hold host root's uid (the uid change comes later), which the v1 write checks. */
int gb_join_cgroup_self(const struct gb_spawn_plan *p, struct gb_error *err) {
  for (int i = 0; i < p->n_cgroup_procs; i++) {
    const char *procs = p->cgroup_procs[i];
    char tasks[4096];
    size_t len = strlen(procs), dir = len;
    while (dir > 0 && procs[dir - 1] != '/') dir--;
    int fd = -1;
    if (dir > 0 && dir + sizeof "tasks" <= sizeof tasks) {
      memcpy(tasks, procs, dir);
      memcpy(tasks + dir, "tasks", sizeof "tasks");
      fd = open(tasks, O_WRONLY | O_CLOEXEC);
      if (fd < 0 && errno != ENOENT) return gb_fail(err, "cgroup", "open", tasks, errno);
    }
    if (fd < 0 && (fd = open(procs, O_WRONLY | O_CLOEXEC)) < 0) return gb_fail(err, "cgroup", "open", procs, errno);
    ssize_t n = write(fd, "0", 1);
    int saved = errno;
    close(fd);
    if (n != 1) return gb_fail(err, "cgroup", "write", procs, n < 0 ? saved : EIO);
  }
  return 0;
}

static int child_write(const char *path, const char *data, size_t len, const char *stage, struct gb_error *err) {
  return write_file(path, data, len, stage, err);
}

static char *fmt_i64(char *p, int64_t v) {
  char tmp[24];
  int n = 0;
  int neg = v < 0;
  uint64_t u = neg ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
  do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (neg) *p++ = '-';
  while (n) *p++ = tmp[--n];
  return p;
}

/* Before the root is built: prepare the time ns, become root of the user ns, enter a cgroup ns rooted at our cgroup. */
int gb_setup_namespaces_early(const struct gb_spawn_plan *p, struct gb_error *err) {
  if (p->unshare_time) {
    /* Before the uid change: setresuid clears "dumpable" (a flag of the mm, which spawn.c shares with the server),
       and a non-dumpable task's /proc/self files belong to host root (proc(5)), so timens_offsets could not be opened.
       time_namespaces(7): offsets can be written until a process enters; we enter at exec. */
    if (unshare(CLONE_NEWTIME) < 0) return gb_fail(err, "timens", "unshare", "CLONE_NEWTIME", errno);
    char buf[96], *q = buf;
    const char *mono = "monotonic ", *boot = " 0\nboottime ";
    for (const char *s = mono; *s; s++) *q++ = *s;
    q = fmt_i64(q, p->time_monotonic_s);
    for (const char *s = boot; *s; s++) *q++ = *s;
    q = fmt_i64(q, p->time_boottime_s);
    *q++ = ' '; *q++ = '0'; *q++ = '\n';
    if (child_write("/proc/self/timens_offsets", buf, (size_t)(q - buf), "timens", err) < 0) return -1;
  }
  if (p->uid_map) {
    /* raw syscalls: glibc's setresuid would try to sync threads this process does not have */
    if (syscall(SYS_setresgid, 0, 0, 0) < 0) return gb_fail(err, "userns", "setresgid", "0", errno);
    if (syscall(SYS_setresuid, 0, 0, 0) < 0) return gb_fail(err, "userns", "setresuid", "0", errno);
  }
  if (p->unshare_cgroup && unshare(CLONE_NEWCGROUP) < 0) return gb_fail(err, "cgroupns", "unshare", "CLONE_NEWCGROUP", errno);
  return 0;
}

static int loopback_up(struct gb_error *err) {
  int fd cleanup_close = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return gb_fail(err, "network", "socket", "lo", errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  gb_strlcpy(ifr.ifr_name, "lo", sizeof ifr.ifr_name);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) return gb_fail(err, "network", "ioctl(SIOCGIFFLAGS)", "lo", errno);
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) return gb_fail(err, "network", "ioctl(SIOCSIFFLAGS)", "lo", errno);
  return 0;
}

/* After pivot_root: names, loopback, rlimits, oom score. */
int gb_setup_namespaces_late(const struct gb_spawn_plan *p, struct gb_error *err) {
  if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
    return gb_fail(err, "hostname", "sethostname", p->hostname, errno);
  if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0)
    return gb_fail(err, "hostname", "setdomainname", p->domainname, errno);
  if (p->loopback_up && loopback_up(err) < 0) return -1;
  for (int i = 0; i < p->n_rlimits; i++) {
    struct { uint64_t cur, max; } rl = { p->rlimits[i].soft, p->rlimits[i].hard };
    if (syscall(SYS_prlimit64, 0, p->rlimits[i].resource, &rl, NULL) < 0)
      return gb_fail(err, "rlimits", "prlimit", "", errno);
  }
  if (p->set_oom_score_adj) {
    char buf[24], *q = fmt_i64(buf, p->oom_score_adj);
    if (child_write("/proc/self/oom_score_adj", buf, (size_t)(q - buf), "oom_score_adj", err) < 0) return -1;
  }
  return 0;
}
