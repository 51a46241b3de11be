/* files-xattr.c - extended attributes of upper-dir entries (overlayfs' opaque marker), never through a symlink. */
#define _GNU_SOURCE
#include <sys/xattr.h>
#include <unistd.h>
#include "watch.h"

ssize_t gb_lgetxattr(const char *path, const char *name, void *buf, size_t size, struct gb_error *err) {
  ssize_t n = lgetxattr(path, name, buf, size);
  if (n < 0) { gb_fail(err, "xattr", "lgetxattr", path, errno); return -1; }
  return n;
}
