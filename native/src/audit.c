/* audit.c - reads the kernel's audit records (seccomp denials) from the read-only multicast group, without auditd. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/netlink.h>
/* libseccomp's header shares our header's name: keep native/src out of the include path (see seccomp.c). */
#include <seccomp.h>
#include "watch.h"

/* libaudit's MAX_AUDIT_MESSAGE_LENGTH: the kernel never sends a longer record */
#define GB_AUDIT_MAX 8970

/* AUDIT_NLGRP_READLOG (Linux 3.16) copies every record to its listeners whether or not auditd runs, and
   listening does not take auditd's place (audit(7); kernel/audit.c kauditd_send_multicast_skb). */
int gb_audit_open(struct gb_error *err) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
  if (fd < 0) return gb_fail(err, "audit", "socket", "NETLINK_AUDIT", errno);
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int e = errno;
    close(fd);
    return gb_fail(err, "audit", "bind", "AUDIT_NLGRP_READLOG", e);
  }
  /* a burst of denials should not overflow the socket before the event loop gets to it */
  int rcv = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  return fd;
}

int gb_audit_next(int fd, int *type, char *text, size_t size) {
  char buf[GB_AUDIT_MAX + NLMSG_HDRLEN];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if ((size_t)n < NLMSG_HDRLEN || h->nlmsg_len > (size_t)n || h->nlmsg_len < NLMSG_HDRLEN) continue; /* malformed */
    size_t len = h->nlmsg_len - NLMSG_HDRLEN;
    if (len >= size) len = size - 1;
    memcpy(text, NLMSG_DATA(h), len);
    text[len] = 0;
    *type = h->nlmsg_type;
    return 1;
  }
}

char *gb_syscall_name(int nr, unsigned int arch) {
  return seccomp_syscall_resolve_num_arch(arch ? arch : SCMP_ARCH_NATIVE, nr);
}
