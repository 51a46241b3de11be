/* files.c - host-side file access that a container cannot redirect: sealed copies, in-root opens (openat2(2)). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "util.h"

/* A sealed memfd copy of an executable: a container that reaches /proc/self/exe cannot overwrite
   the host binary through it (CVE-2019-5736, the runc fix). */
int gb_sealed_copy(const char *path, struct gb_error *err) {
  int src cleanup_close = open(path, O_RDONLY | O_CLOEXEC);
  if (src < 0) return gb_fail(err, "init", "open", path, errno);
  struct stat st;
  if (fstat(src, &st) < 0) return gb_fail(err, "init", "fstat", path, errno);
  int fd = memfd_create("glassbox-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return gb_fail(err, "init", "memfd_create", path, errno);
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(fd, src, &off, (size_t)(st.st_size - off));
    if (n <= 0) { int e = n < 0 ? errno : EIO; close(fd); return gb_fail(err, "init", "sendfile", path, e); }
  }
  if (fchmod(fd, 0555) < 0 ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
    int e = errno;
    close(fd);
    return gb_fail(err, "init", "fcntl(F_ADD_SEALS)", path, e);
  }
  return fd;
}

/* Open rel inside root as if root were "/": symlinks and ".." stay inside, magic links are refused. */
int gb_open_in_root(const char *root, const char *rel, int flags, struct gb_error *err) {
  int rfd cleanup_close = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rfd < 0) return gb_fail(err, "read", "open", root, errno);
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  int fd = (int)syscall(SYS_openat2, rfd, rel, &how, sizeof how);
  if (fd < 0) return gb_fail(err, "read", "openat2", rel, errno);
  return fd;
}

int gb_umount(const char *path, int flags, struct gb_error *err) {
  if (umount2(path, flags | UMOUNT_NOFOLLOW) < 0) return gb_fail(err, "umount", "umount2", path, errno);
  return 0;
}

/* The upper dir's home: a tmpfs whose size= and nr_inodes= bound what a container can write. */
int gb_mount_tmpfs(const char *dir, const char *data, struct gb_error *err) {
  if (mount("glassbox-rw", dir, "tmpfs", MS_NOSUID | MS_NODEV, data) < 0) return gb_fail(err, "rootfs", "mount(tmpfs)", dir, errno);
  return 0;
}
