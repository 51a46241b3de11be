/* process.c - pidfds: race-free signals and reaping of the processes we spawned (pidfd_open(2)). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

int gb_reap(int pidfd, siginfo_t *si) {
  si->si_pid = 0;
  int r;
  do r = waitid(P_PIDFD, (id_t)pidfd, si, WEXITED | WNOHANG); while (r < 0 && errno == EINTR);
  if (r < 0) return errno == ECHILD ? -1 : -1;
  return si->si_pid ? 1 : 0;
}

int gb_pidfd_open(pid_t pid, struct gb_error *err) {
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return gb_fail(err, "pidfd", "pidfd_open", "", errno);
  return fd;
}

int gb_pidfd_signal(int pidfd, int sig, struct gb_error *err) {
  if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) return gb_fail(err, "signal", "pidfd_send_signal", "", errno);
  return 0;
}

/* The inode of /proc/<pid>/ns/<type>: two processes share a namespace exactly when these are equal (namespaces(7)). */
int gb_ns_inode(pid_t pid, const char *type, unsigned long long *ino, struct gb_error *err) {
  char path[64];
  struct stat st;
  snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, type);
  if (stat(path, &st) < 0) return gb_fail(err, "namespaces", "stat", path, errno);
  *ino = (unsigned long long)st.st_ino;
  return 0;
}
