/* namespaces.c - id maps and cgroup joins (parent side); cgroup, time, uts and net set-up (child side). */
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

/* Parent, before the clone: cgroup v1 has no CLONE_INTO_CGROUP. Writing another process's pid to cgroup.procs
   takes the global cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period when it was idle
   (measured here: up to 16 ms), but a thread that moves itself ("0" into the tasks file) needs no such lock
   (kernel/cgroup/cgroup.c, cgroup_procs_write_start). So the parent opens each hierarchy's tasks file, the child
   inherits the descriptors and, as its first step after GO, moves itself: it has a single thread, so that moves
   the whole process, before it runs anything else. Returns how many were opened, or 0: the parent writes the pid
   (gb_join_cgroup_v1), when there is no tasks file beside a cgroup.procs or there are too many hierarchies. */
int gb_open_cgroup_tasks(const struct gb_spawn_plan *p, int *fds, int max, struct gb_error *err) {
  if (p->n_cgroup_procs > max) return 0;
  for (int i = 0; i < p->n_cgroup_procs; i++) {
    char path[4096];
    const char *procs = p->cgroup_procs[i], *slash = strrchr(procs, '/');
    int dir_len = slash ? (int)(slash - procs) : 0;
    if (!slash || strcmp(slash, "/cgroup.procs") != 0 ||
        snprintf(path, sizeof path, "%.*s/tasks", dir_len, procs) >= (int)sizeof path)
      fds[i] = -1, errno = ENOENT;
    else
      fds[i] = open(path, O_WRONLY | O_CLOEXEC);
    if (fds[i] < 0) {
      int saved = errno;
      for (int j = 0; j < i; j++) close(fds[j]);
      if (saved == ENOENT) return 0;
      return gb_fail(err, "cgroup", "open", path, saved);
    }
  }
  return p->n_cgroup_procs;
}

/* Child: move ourselves into each opened tasks file (see gb_open_cgroup_tasks), then close it. */
int gb_join_cgroup_self(const struct gb_spawn_plan *p, const int *fds, int n, struct gb_error *err) {
  for (int i = 0; i < n; i++) {
    if (write(fds[i], "0", 1) != 1) return gb_fail(err, "cgroup", "write", p->cgroup_procs[i], errno);
    close(fds[i]);
  }
  return 0;
}

/* Parent: without the tasks files, the pid goes into each controller's cgroup.procs before the child runs. */
int gb_join_cgroup_v1(const struct gb_spawn_plan *p, pid_t pid, struct gb_error *err) {
  char buf[32];
  int len = snprintf(buf, sizeof buf, "%d", (int)pid);
  for (int i = 0; i < p->n_cgroup_procs; i++)
    if (write_file(p->cgroup_procs[i], buf, (size_t)len, "cgroup", err) < 0) return -1;
  return 0;
}

/* ---- child side: raw syscalls, no allocation ---------------------------------------------- */

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
