/* idmap.c - can this kernel and file system idmap a layer directory? (`glassbox doctor`, and the engine's choice) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "util.h"

/* A throw-away child in a fresh user ns (mapped 0 -> 100000) lends its ns to mount_setattr(MOUNT_ATTR_IDMAP). */
int gb_probe_idmap(const char *dir, struct gb_error *err) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) return gb_fail(err, "idmap", "pipe2", "", errno);
  pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) {
    int e = errno;
    close(pipefd[0]);
    close(pipefd[1]);
    return gb_fail(err, "idmap", "clone", "CLONE_NEWUSER", e);
  }
  if (pid == 0) {
    char c;
    close(pipefd[1]);
    while (read(pipefd[0], &c, 1) < 0 && errno == EINTR) {}
    _exit(0);
  }
  close(pipefd[0]);
  int rc = -1, ns cleanup_close = -1, tfd cleanup_close = -1;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, "0 100000 65536", 14) != 14) { gb_fail(err, "idmap", "write", path, errno); if (fd >= 0) close(fd); goto out; }
  close(fd);
  snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, "0 100000 65536", 14) != 14) { gb_fail(err, "idmap", "write", path, errno); if (fd >= 0) close(fd); goto out; }
  close(fd);
  snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
  ns = open(path, O_RDONLY | O_CLOEXEC);
  if (ns < 0) { gb_fail(err, "idmap", "open", path, errno); goto out; }
  tfd = (int)syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tfd < 0) { gb_fail(err, "idmap", "open_tree", dir, errno); goto out; }
  struct mount_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = (uint64_t)ns;
  if (syscall(SYS_mount_setattr, tfd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) { gb_fail(err, "idmap", "mount_setattr", dir, errno); goto out; }
  rc = 0;
out:
  close(pipefd[1]);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
  return rc;
}
