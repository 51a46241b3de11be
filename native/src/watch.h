/* watch.h - native helpers of the live views (server/watchers/): the audit feed, xattrs without following links, the uts name. */
#ifndef GB_WATCH_H
#define GB_WATCH_H
#include <stddef.h>
#include <sys/types.h>
#include "gb_error.h"

/* audit.c: a NETLINK_AUDIT socket on the read-only multicast group (needs CAP_AUDIT_READ); non-blocking. */
int gb_audit_open(struct gb_error *err);
/* One queued record: 1 with *type and text (NUL-terminated, truncated to size), 0 when none is left,
   -1 with errno (ENOBUFS: the kernel dropped records because we read too slowly). */
int gb_audit_next(int fd, int *type, char *text, size_t size);
/* libseccomp's name for a syscall number on an audit arch (0 = native); NULL when unknown. Caller frees. */
char *gb_syscall_name(int nr, unsigned int arch);

/* files-xattr.c: lgetxattr(2) (never follows a symlink); length, or -1 with err (ENODATA: no such attribute). */
ssize_t gb_lgetxattr(const char *path, const char *name, void *buf, size_t size, struct gb_error *err);

/* uts.c: the host name as seen in pid's uts namespace (setns on a short-lived thread of our own). */
int gb_uts_hostname(pid_t pid, char *buf, size_t size, struct gb_error *err);
#endif
