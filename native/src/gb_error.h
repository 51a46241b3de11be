/* gb_error.h - the error every native step returns: which stage, which syscall, which path, errno. */
#ifndef GB_ERROR_H
#define GB_ERROR_H
#include <errno.h>
#include <string.h>

struct gb_error {
  char stage[32];   /* e.g. "pivot_root", "mounts", "seccomp" */
  char syscall[32]; /* e.g. "pivot_root", "mount", "openat2" */
  char path[256];   /* the path the syscall acted on, or "" */
  int err;          /* errno */
};

/* Async-signal-safe copy (no malloc, no locale): usable in the child between clone and exec. */
static inline void gb_strlcpy(char *dst, const char *src, unsigned long size) {
  unsigned long i = 0;
  if (!size) return;
  if (src)
    for (; i + 1 < size && src[i]; i++) dst[i] = src[i];
  dst[i] = 0;
}

/* Fill *e and return -1, crun's `return crun_make_error (err, errno, ...)` habit. */
static inline int gb_fail(struct gb_error *e, const char *stage, const char *syscall, const char *path, int err) {
  gb_strlcpy(e->stage, stage, sizeof e->stage);
  gb_strlcpy(e->syscall, syscall, sizeof e->syscall);
  gb_strlcpy(e->path, path ? path : "", sizeof e->path);
  e->err = err;
  return -1;
}

static inline void gb_cleanup_close(int *fd) {
  if (*fd >= 0) { int saved = errno; close(*fd); errno = saved; }
}
#define cleanup_close __attribute__((cleanup(gb_cleanup_close)))

#endif
