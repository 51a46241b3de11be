/* process.c - pidfds: race-free signals and reaping of the processes we spawned (pidfd_open(2)). */
#define _GNU_SOURCE
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
