/* uts.c - a container's host name: /proc/sys/kernel/hostname answers for the reader's uts namespace, not the
   file's, so a thread of ours joins the container's uts namespace, calls uname(2) and ends (taking the join with it). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "watch.h"

struct uts_job {
  int nsfd;
  char *buf;
  size_t size;
  int err;
  const char *syscall;
};

static void *uts_thread(void *arg) {
  struct uts_job *j = arg;
  /* setns(CLONE_NEWUTS) changes this thread only (the uts namespace is per task, not shared with our other threads) */
  if (setns(j->nsfd, CLONE_NEWUTS) < 0) { j->err = errno; j->syscall = "setns"; return NULL; }
  struct utsname u;
  if (uname(&u) < 0) { j->err = errno; j->syscall = "uname"; return NULL; }
  gb_strlcpy(j->buf, u.nodename, j->size);
  return NULL;
}

int gb_uts_hostname(pid_t pid, char *buf, size_t size, struct gb_error *err) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/uts", (int)pid);
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return gb_fail(err, "uts", "open", path, errno);
  struct uts_job j = { .nsfd = fd, .buf = buf, .size = size, .err = 0, .syscall = "" };
  pthread_t t;
  int rc = pthread_create(&t, NULL, uts_thread, &j);
  if (rc != 0) return gb_fail(err, "uts", "pthread_create", path, rc);
  pthread_join(t, NULL);
  if (j.err) return gb_fail(err, "uts", j.syscall, path, j.err);
  return 0;
}
