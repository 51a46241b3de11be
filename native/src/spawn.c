/* spawn.c - clone3 a container's first process, set it up in named stages, exec glassbox-init. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "plan.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* ---- messages ---------------------------------------------------------------------------- */

static int send_msg(int fd, int type, const struct gb_error *e, int pass_fd) {
  struct gb_msg m;
  memset(&m, 0, sizeof m);
  m.type = type;
  if (e) m.err = *e;
  struct iovec iov = { &m, sizeof m };
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct msghdr h;
  memset(&h, 0, sizeof h);
  h.msg_iov = &iov;
  h.msg_iovlen = 1;
  if (pass_fd >= 0) {
    memset(cbuf, 0, sizeof cbuf);
    h.msg_control = cbuf;
    h.msg_controllen = sizeof cbuf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  ssize_t n;
  do n = sendmsg(fd, &h, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof m ? 0 : -1;
}

/* Returns bytes read (0 = EOF), -1 on error. *got_fd receives a passed descriptor or -1. */
static ssize_t recv_msg(int fd, struct gb_msg *m, int *got_fd) {
  struct iovec iov = { m, sizeof *m };
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct msghdr h;
  memset(&h, 0, sizeof h);
  h.msg_iov = &iov;
  h.msg_iovlen = 1;
  h.msg_control = cbuf;
  h.msg_controllen = sizeof cbuf;
  ssize_t n;
  do n = recvmsg(fd, &h, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
  if (got_fd) {
    *got_fd = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(got_fd, CMSG_DATA(c), sizeof(int));
  }
  return n;
}

/* ---- the child: raw syscalls only from here to exec (Node is multithreaded) --------------- */

static __attribute__((noreturn)) void child_fail(int sync_fd, struct gb_error *e) {
  send_msg(sync_fd, GB_MSG_ERROR, e, -1);
  _exit(126);
}

static int setup_stdio(const struct gb_spawn_plan *p, struct gb_error *e) {
  int tmp[3];
  for (int i = 0; i < 3; i++) {
    int src = p->stdio[i];
    if (src < 0) {
      src = open("/dev/null", O_RDWR | O_CLOEXEC);
      if (src < 0) return gb_fail(e, "stdio", "open", "/dev/null", errno);
    }
    tmp[i] = fcntl(src, F_DUPFD_CLOEXEC, 3);
    if (tmp[i] < 0) return gb_fail(e, "stdio", "fcntl", "", errno);
  }
  for (int i = 0; i < 3; i++)
    if (dup2(tmp[i], i) < 0) return gb_fail(e, "stdio", "dup2", "", errno);
  return 0;
}

static int load_seccomp(const struct gb_spawn_plan *p, struct gb_error *e) {
  if (!p->bpf) return 0;
  struct sock_fprog prog = { .len = (unsigned short)(p->bpf_len / sizeof(struct sock_filter)),
                             .filter = (struct sock_filter *)p->bpf };
  /* FLAG_LOG: denials (SCMP_ACT_ERRNO) become audit records, which the security panel reads (server/watchers/);
     a kernel older than 4.14 refuses the flag (EINVAL): load the same filter without it. */
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &prog) < 0 &&
      (errno != EINVAL || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0))
    return gb_fail(e, "seccomp", "seccomp", "", errno);
  return 0;
}

/* What the child starts with: the plan and its end of the sync socket. */
struct child_args { const struct gb_spawn_plan *plan; int sync_fd; };

static __attribute__((noreturn)) void child_main(const struct child_args *a) {
  const struct gb_spawn_plan *p = a->plan;
  int sync_fd = a->sync_fd;
  struct gb_error e;
  struct gb_msg m;
  int rootfs_fd = -1;
  /* The server's signal handlers were copied, and they would run on the server's memory, which we share:
     block everything until exec (exec keeps the mask, so it is cleared just before). */
  sigset_t all;
  sigfillset(&all);
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, sizeof(uint64_t));
  memset(&e, 0, sizeof e);
  prctl(PR_SET_NAME, "glassbox:[1:child]", 0, 0, 0);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);

  /* Stage 1: wait until the parent has written our id maps and built our root; then, before anything else, join our
     v1 cgroups ourselves (gb_join_cgroup_self says why). */
  ssize_t n = recv_msg(sync_fd, &m, &rootfs_fd);
  if (n != (ssize_t)sizeof m || m.type != GB_MSG_GO) _exit(125); /* the parent gave up: it reports */

  prctl(PR_SET_NAME, "glassbox:[2:setup]", 0, 0, 0);
  if (gb_join_cgroup_self(p, &e) < 0) child_fail(sync_fd, &e);
  if (gb_setup_namespaces_early(p, &e) < 0) child_fail(sync_fd, &e);
  if (gb_setup_rootfs(p, rootfs_fd, &e) < 0) child_fail(sync_fd, &e);
  if (gb_setup_namespaces_late(p, &e) < 0) child_fail(sync_fd, &e);
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which the identity step may drop: load it first,
     as runc does (the profile must then allow what follows: capset, prctl, setres*id, execveat). With
     no_new_privs it is loaded last, after the wait for start. */
  if (!p->no_new_privs && load_seccomp(p, &e) < 0) child_fail(sync_fd, &e);
  if (gb_apply_identity(p, &e) < 0) child_fail(sync_fd, &e);
  if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    gb_fail(&e, "no_new_privs", "prctl", "", errno);
    child_fail(sync_fd, &e);
  }
  if (chdir(p->cwd && *p->cwd ? p->cwd : "/") < 0) {
    gb_fail(&e, "cwd", "chdir", p->cwd, errno);
    child_fail(sync_fd, &e);
  }
  if (setup_stdio(p, &e) < 0) child_fail(sync_fd, &e);
  /* Every descriptor but stdio is closed by the exec; the init memfd and the sync socket live until then. */
  if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
    gb_fail(&e, "fds", "close_range", "", errno);
    child_fail(sync_fd, &e);
  }
  if (p->wait_start) {
    prctl(PR_SET_NAME, "glassbox:[3:created]", 0, 0, 0);
    if (send_msg(sync_fd, GB_MSG_READY, NULL, -1) < 0) _exit(125);
    n = recv_msg(sync_fd, &m, NULL);
    if (n != (ssize_t)sizeof m || m.type != GB_MSG_START) _exit(125);
  }
  if (p->no_new_privs && load_seccomp(p, &e) < 0) child_fail(sync_fd, &e);
  sigset_t none;
  sigemptyset(&none);
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(uint64_t));
  syscall(SYS_execveat, p->init_fd, "", p->argv, p->envp, AT_EMPTY_PATH);
  gb_fail(&e, "exec", "execveat", "glassbox-init", errno);
  child_fail(sync_fd, &e);
}

/* ---- the parent ---------------------------------------------------------------------------- */

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is readable, within timeout_ms (10 s when 0). Returns 0, or -1 with err filled (stage, what). */
static int await_readable(int fd, int timeout_ms, const char *stage, const char *what, const char *late, struct gb_error *err) {
  int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 10000);
  for (;;) {
    struct pollfd pfd = { fd, POLLIN, 0 };
    int64_t left = deadline - now_ms();
    if (left <= 0) return gb_fail(err, stage, "poll", late, ETIMEDOUT);
    int r = poll(&pfd, 1, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return gb_fail(err, stage, "poll", what, errno);
    if (r > 0) return 0;
  }
}

/* Wait for the child's next message. Returns 1 READY, 0 exec'd (EOF), -1 error (filled). */
static int await_child(int sync_fd, int timeout_ms, struct gb_error *err) {
  if (await_readable(sync_fd, timeout_ms, "wait", "", "the container's set-up did not finish in time", err) < 0) return -1;
  struct gb_msg m;
  ssize_t n = recv_msg(sync_fd, &m, NULL);
  if (n == 0) return 0;
  if (n < 0) return gb_fail(err, "wait", "recvmsg", "", errno);
  if (n == (ssize_t)sizeof m && m.type == GB_MSG_READY) return 1;
  if (n == (ssize_t)sizeof m && m.type == GB_MSG_ERROR) { *err = m.err; return -1; }
  return gb_fail(err, "wait", "recvmsg", "unexpected message from the child", EPROTO);
}

static void kill_and_reap(int pidfd) {
  siginfo_t si;
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  while (waitid(P_PIDFD, pidfd, &si, WEXITED) < 0 && errno == EINTR) {}
}

static double trace_t0;
static int tracing = -1;
static void trace(const char *what) {
  if (tracing < 0) tracing = getenv("GLASSBOX_TRACE") != NULL;
  if (!tracing) return;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double now = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  if (!what) { trace_t0 = now; return; }
  fprintf(stderr, "[gb_spawn] %-12s %.3f ms\n", what, now - trace_t0);
}

/* ---- clone3 with CLONE_VM ------------------------------------------------------------------
   Forking a Node process copies its page tables (~1 ms) and tearing them down at exec costs as much
   again. Like posix_spawn, the child instead runs on a stack of its own in the server's memory until
   exec; it only reads the plan and writes its own stack. The trampoline is needed because the child
   cannot return through the syscall() wrapper's frame on the parent's stack. */
#define GB_CHILD_STACK (256 * 1024)

static __attribute__((noreturn)) void child_entry(void *arg) {
  child_main(arg);
}

#if defined(__x86_64__)
#define GB_HAVE_CLONE_VM 1
static long clone3_on_stack(struct clone_args *args, size_t size, void (*fn)(void *), void *arg) {
  long ret;
  register void (*r12)(void *) __asm__("r12") = fn;
  register void *r13 __asm__("r13") = arg;
  __asm__ volatile(
      "syscall\n\t"
      "test %%rax, %%rax\n\t"
      "jnz 1f\n\t"
      /* child: the kernel put rsp at stack + stack_size; r12/r13 were copied */
      "xor %%ebp, %%ebp\n\t"
      "mov %%r13, %%rdi\n\t"
      "call *%%r12\n\t"
      "mov $60, %%eax\n\t"
      "mov $125, %%edi\n\t"
      "syscall\n\t"
      "hlt\n\t"
      "1:\n\t"
      : "=a"(ret)
      : "a"((long)SYS_clone3), "D"(args), "S"(size), "r"(r12), "r"(r13)
      : "rcx", "r11", "memory");
  return ret;
}
#endif

void gb_spawn_release(void *stack, size_t stack_size) {
  if (stack) munmap(stack, stack_size);
}

/* The gate (plan.gate_fd): TypeScript makes the overlay's directories and a v1 cgroup while we clone (~0.4 ms that
   no longer wait for each other), and writes 1 to this eventfd when they exist, 2 when it failed (it reports why).
   Nothing they name is used before: the overlay is built after this, and the child joins its cgroup after GO. */
static int await_gate(int gate_fd, int timeout_ms, struct gb_error *err) {
  if (await_readable(gate_fd, timeout_ms, "spawn", "gate", "the engine did not prepare the container in time", err) < 0) return -1;
  uint64_t v = 0;
  if (read(gate_fd, &v, sizeof v) != (ssize_t)sizeof v) return gb_fail(err, "spawn", "read", "gate", errno);
  if (v != 1) return gb_fail(err, "spawn", "gate", "the engine gave up preparing the container", ECANCELED);
  return 0;
}

/* Block until the child is dead (a zombie, or already reaped by its exit watcher). */
static void wait_dead(int pidfd) {
  siginfo_t si;
  while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR) {}
}

int gb_spawn(const struct gb_spawn_plan *p, struct gb_spawn_result *out, struct gb_error *err) {
  int sv[2];
  trace(NULL);
  out->stack = NULL;
  out->stack_size = 0;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return gb_fail(err, "spawn", "socketpair", "", errno);
  struct child_args local = { .plan = p, .sync_fd = sv[1] };

  int pidfd = -1;
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = (uint64_t)p->clone_flags | CLONE_PIDFD;
  args.pidfd = (uint64_t)(uintptr_t)&pidfd;
  args.exit_signal = SIGCHLD;
  if (p->cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)p->cgroup_fd;
  }
  long pid;
  void *stack = NULL;
#ifdef GB_HAVE_CLONE_VM
  if (!getenv("GLASSBOX_NO_CLONE_VM")) {
    stack = mmap(NULL, GB_CHILD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
      int saved = errno;
      close(sv[0]);
      close(sv[1]);
      return gb_fail(err, "clone", "mmap", "child stack", saved);
    }
    mprotect(stack, 4096, PROT_NONE); /* guard page */
    struct child_args *ca = (struct child_args *)((char *)stack + 4096);
    *ca = local;
    args.flags |= CLONE_VM;
    args.stack = (uint64_t)(uintptr_t)stack;
    args.stack_size = GB_CHILD_STACK;
    pid = clone3_on_stack(&args, sizeof args, child_entry, ca);
    if (pid < 0) { errno = (int)-pid; pid = -1; }
  } else
#endif
  {
    pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) {
      close(sv[0]);
      child_main(&local);
    }
  }
  if (pid < 0) {
    int saved = errno;
    close(sv[0]);
    close(sv[1]);
    gb_spawn_release(stack, GB_CHILD_STACK);
    return gb_fail(err, "clone", "clone3", p->cgroup_fd >= 0 ? "CLONE_INTO_CGROUP" : "", saved);
  }
  /* the child has its own copy of the descriptor table (no CLONE_FILES) */
  close(sv[1]);
  int sync_fd = sv[0];
  trace("clone3");

  int rootfs_fd = -1;
  if (gb_write_id_maps(p, (pid_t)pid, err) < 0) goto fail;
  trace("id-maps");
  if (p->gate_fd >= 0 && await_gate(p->gate_fd, p->timeout_ms, err) < 0) goto fail;
  trace("gate");
  if ((rootfs_fd = gb_rootfs_fd(p, (pid_t)pid, err)) < 0) goto fail;
  trace("parent-steps");
  if (send_msg(sync_fd, GB_MSG_GO, NULL, rootfs_fd) < 0) {
    gb_fail(err, "spawn", "sendmsg", "", errno);
    goto fail;
  }
  close(rootfs_fd);
  rootfs_fd = -1;
  int r = await_child(sync_fd, p->timeout_ms, err);
  trace("child-setup");
  if (r < 0) goto fail;
  out->pid = (pid_t)pid;
  out->pidfd = pidfd;
  if (r == 1) {
    /* created: the child waits for START on our memory; the caller keeps plan and stack until gb_start */
    out->sync_fd = sync_fd;
    out->stack = stack;
    out->stack_size = stack ? GB_CHILD_STACK : 0;
  } else {
    out->sync_fd = -1;
    close(sync_fd);
    gb_spawn_release(stack, GB_CHILD_STACK); /* EOF: it has exec'd (or died) */
  }
  return 0;

fail:
  if (rootfs_fd >= 0) close(rootfs_fd);
  close(sync_fd);
  kill_and_reap(pidfd);
  close(pidfd);
  gb_spawn_release(stack, GB_CHILD_STACK);
  return -1;
}

/* OCI start: let a created container exec its init; the socket closing on exec means success. */
int gb_start(int sync_fd, int pidfd, int timeout_ms, struct gb_error *err) {
  if (send_msg(sync_fd, GB_MSG_START, NULL, -1) < 0) {
    int saved = errno;
    close(sync_fd);
    return gb_fail(err, "start", "sendmsg", "the container is gone", saved);
  }
  int r = await_child(sync_fd, timeout_ms, err);
  close(sync_fd);
  if (r == 0) return 0; /* EOF: exec'd (its old memory, ours, is no longer used) or dead */
  if (r == 1) gb_fail(err, "start", "recvmsg", "unexpected READY", EPROTO);
  /* it reported an error and is exiting, or timed out: make sure it is dead before the caller frees its stack */
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  wait_dead(pidfd);
  return -1;
}

void gb_abandon(int sync_fd, int pidfd) {
  close(sync_fd);
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  wait_dead(pidfd);
}
