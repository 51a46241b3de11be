/* util.h - the small native helpers besides spawn: pidfds, sealed executables, in-root opens, ptys, the idmap probe. */
#ifndef GB_UTIL_H
#define GB_UTIL_H
#include <signal.h>
#include <sys/types.h>
#include "gb_error.h"

int gb_reap(int pidfd, siginfo_t *si);                 /* process.c: 1 reaped, 0 still running, -1 error */
int gb_pidfd_open(pid_t pid, struct gb_error *err);
int gb_ns_inode(pid_t pid, const char *type, unsigned long long *ino, struct gb_error *err);
int gb_pidfd_signal(int pidfd, int sig, struct gb_error *err);
int gb_sealed_copy(const char *path, struct gb_error *err);                     /* files.c */
int gb_open_in_root(const char *root, const char *rel, int flags, struct gb_error *err);
int gb_openpty(int *master, int *slave, char *name, size_t size, struct gb_error *err); /* pty.c */
int gb_set_winsize(int fd, int cols, int rows, struct gb_error *err);
int gb_mount_tmpfs(const char *dir, const char *data, struct gb_error *err); /* files.c */
int gb_umount(const char *path, int flags, struct gb_error *err);             /* files.c */
int gb_probe_idmap(const char *dir, struct gb_error *err);                      /* idmap.c */
#endif
