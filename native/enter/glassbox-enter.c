/* glassbox-enter.c - joins a running container (cgroup, namespaces, identity, caps, seccomp) and execs a command in it.
 *
 * Usage: glassbox-enter --pid PID [--cgroup-procs FILE]... [--namespaces user,mnt,pid,uts,ipc,net,cgroup,time]
 *   [--uid N] [--gid N] [--groups N,...] [--caps EFF:PERM:INH:BND:AMB] [--no-new-privs] [--seccomp FILE]
 *   [--cwd DIR] [--env K=V]... [--clear-env] [--tty] -- CMD ARGS...   (parsed in args.c)
 * Run as root by the server on the host for `glassbox exec` and for every terminal, so it is strict: the
 * server resolves everything, this program parses its arguments exactly (exit 125 on anything unexpected),
 * then walks the plan: read the seccomp BPF (a host file) -> pidfd_open(PID) -> write our pid into each
 * cgroup.procs (host files, before we lose host privileges) -> setns into the namespaces -> fork, so the
 * child lands in the container's pid namespace. The parent stays behind to forward signals and to exit
 * with the child's status. The child drops to the container's identity the way runc's setns init does:
 * bounding set, keepcaps, groups/gid/uid, capset, ambient set, no_new_privs, seccomp last, execvp.
 * Both processes are made non-dumpable at once: after setns(CLONE_NEWUSER) root in the container would
 * otherwise be able to ptrace us while we still hold host resources (CVE-2016-9962, runc).
 * Joining a user namespace without --uid/--gid means uid/gid 0 of that namespace, never host root.
 * With --tty the command gets a pty of the container's own devpts and the parent relays it to ours (relay.c).
 * Errors read `glassbox-enter: <step>: <syscall>: <path or argument>: <strerror>` and exit 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "plan.h"
#include "relay.h"

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGWINCH, SIGUSR1, SIGUSR2};

static void __attribute__((noreturn)) fail(const char *step, const char *syscall_name, const char *path) {
  int err = errno;
  fprintf(stderr, "glassbox-enter: %s: %s: %s: %s\n", step, syscall_name, path, strerror(err));
  _exit(125);
}

/* Environment of the command: ours (or none with --clear-env), then each --env in order. */
static void build_env(const struct plan *pl) {
  if (pl->clear_env) clearenv();
  for (int i = 0; i < pl->n_env; i++)
    if (putenv(pl->envs[i]) != 0) fail("env", "putenv", pl->envs[i]);
  /* execvp would search "/bin:/usr/bin" without PATH; images expect the usual default. */
  if (!getenv("PATH") && setenv("PATH", DEFAULT_PATH, 0) != 0) fail("env", "setenv", "PATH");
}

/* The raw BPF written by seccomp_export_bpf: an array of struct sock_filter. */
static void read_seccomp(const char *path, struct sock_fprog *prog) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0) fail("seccomp", "open", path);
  if (fstat(fd, &st) < 0) fail("seccomp", "fstat", path);
  if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) || st.st_size > BPF_MAXINSNS * 8) {
    errno = EINVAL;
    fail("seccomp", "read (size is not a whole BPF program)", path);
  }
  prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
  prog->filter = malloc((size_t)st.st_size);
  if (!prog->filter) fail("seccomp", "malloc", path);
  for (size_t got = 0; got < (size_t)st.st_size;) {
    ssize_t n = read(fd, (char *)prog->filter + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { if (n == 0) errno = EIO; fail("seccomp", "read", path); }
    got += (size_t)n;
  }
  close(fd);
}

static int read_last_cap(void) {
  char buf[16] = {0};
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0) fail("caps", "read", "/proc/sys/kernel/cap_last_cap");
  close(fd);
  int last = atoi(buf);
  return last > 0 && last < 64 ? last : 63;
}

/* On cgroup v1 we move ourselves through the tasks file beside each cgroup.procs: a thread writing "0" there skips
 * the global cgroup_threadgroup_rwsem, whose write lock waits for an RCU grace period (up to ~16 ms measured), and we
 * have one thread, so the whole process moves (kernel/cgroup/cgroup.c, cgroup_procs_write_start). cgroup v2 has no
 * tasks file: there the pid goes to cgroup.procs. */
static void join_cgroups(const struct plan *pl) {
  char pid[16], tasks[4096];
  int len = snprintf(pid, sizeof pid, "%d", (int)getpid());
  for (int i = 0; i < pl->n_cgroups; i++) {
    const char *procs = pl->cgroup_procs[i], *slash = strrchr(procs, '/');
    int fd = -1;
    if (slash && strcmp(slash, "/cgroup.procs") == 0 &&
        snprintf(tasks, sizeof tasks, "%.*s/tasks", (int)(slash - procs), procs) < (int)sizeof tasks) {
      fd = open(tasks, O_WRONLY | O_CLOEXEC);
      if (fd < 0 && errno != ENOENT) fail("cgroup", "open", tasks);
      if (fd >= 0 && write(fd, "0", 1) != 1) fail("cgroup", "write", tasks);
    }
    if (fd < 0) {
      fd = open(procs, O_WRONLY | O_CLOEXEC);
      if (fd < 0) fail("cgroup", "open", procs);
      if (write(fd, pid, (size_t)len) != len) fail("cgroup", "write", procs);
    }
    close(fd);
  }
}

/* 1 if /proc/PID/ns/NAME is the namespace we are already in, 0 if it differs, -1 if it does not exist. */
static int same_ns(int procfd, const char *name) {
  char self[64], other[32];
  struct stat a, b;
  snprintf(self, sizeof self, "/proc/self/ns/%s", name);
  snprintf(other, sizeof other, "ns/%s", name);
  if (fstatat(procfd, other, &b, 0) < 0 || stat(self, &a) < 0) return -1;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Joining our own user namespace is EINVAL, so a namespace we already share is never joined. */
static int ns_to_join(const struct plan *pl, int procfd) {
  int flags = 0;
  for (size_t i = 0; i < N_NS; i++)
    if ((!pl->ns_flags || (pl->ns_flags & ns_table[i].flag)) && same_ns(procfd, ns_table[i].name) == 0)
      flags |= ns_table[i].flag;
  return flags;
}

static void join_namespaces(int pidfd, int procfd, int flags, const char *procpath) {
  if (!flags) return;
  /* setns(pidfd) joins all of them at once (Linux 5.8); otherwise one /proc/PID/ns fd each. */
  if (pidfd >= 0 && setns(pidfd, flags) == 0) return;
  if (pidfd >= 0 && errno != EINVAL) fail("setns", "setns(pidfd)", procpath);
  int fds[N_NS];
  for (size_t i = 0; i < N_NS; i++) {
    char path[32];
    snprintf(path, sizeof path, "ns/%s", ns_table[i].name);
    fds[i] = (flags & ns_table[i].flag) ? openat(procfd, path, O_RDONLY | O_CLOEXEC) : -1;
    if ((flags & ns_table[i].flag) && fds[i] < 0) fail("setns", "open", path);
  }
  for (size_t i = 0; i < N_NS; i++)
    if (fds[i] >= 0) {
      if (setns(fds[i], ns_table[i].flag) < 0) fail("setns", "setns", ns_table[i].name);
      close(fds[i]);
    }
}

/* node-pty made us the session leader of the tty; the child can only make it its controlling tty
 * (TIOCSCTTY without CAP_SYS_ADMIN in the init user namespace) once our session has let go of it. */
static void release_tty(void) {
  /* TIOCNOTTY in a session leader sends SIGHUP+SIGCONT to the foreground group: us. */
  signal(SIGHUP, SIG_IGN);
  signal(SIGCONT, SIG_IGN);
  ioctl(0, TIOCNOTTY); /* ENOTTY if it was not our controlling tty: nothing to release */
  signal(SIGHUP, SIG_DFL);
  signal(SIGCONT, SIG_DFL);
}

static void set_caps(const struct plan *pl, int last_cap) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  char what[64];
  for (int i = 0; i < 2; i++) {
    data[i].effective = (uint32_t)(pl->caps[EFF] >> (32 * i));
    data[i].permitted = (uint32_t)(pl->caps[PERM] >> (32 * i));
    data[i].inheritable = (uint32_t)(pl->caps[INH] >> (32 * i));
  }
  snprintf(what, sizeof what, "eff=%016llx", (unsigned long long)pl->caps[EFF]);
  if (syscall(SYS_capset, &hdr, data) < 0) fail("caps", "capset", what);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && pl->caps[AMB])
    fail("caps", "prctl(PR_CAP_AMBIENT_CLEAR_ALL)", "ambient");
  for (int cap = 0; cap <= last_cap; cap++) {
    snprintf(what, sizeof what, "cap %d", cap);
    if ((pl->caps[AMB] >> cap & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      fail("caps", "prctl(PR_CAP_AMBIENT_RAISE)", what);
  }
}

static void load_seccomp(const struct plan *pl, struct sock_fprog *prog) {
  /* FLAG_LOG as in spawn.c: denials reach the security panel through the audit feed (EINVAL: a kernel before 4.14) */
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, prog) < 0 &&
      (errno != EINVAL || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0))
    fail("seccomp", "seccomp(SECCOMP_SET_MODE_FILTER)", pl->seccomp_path);
}

static void __attribute__((noreturn)) run_child(const struct plan *pl, struct sock_fprog *prog, int last_cap, int tty_slave) {
  char what[64];
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) signal(forwarded[i], SIG_DFL);
  signal(SIGCHLD, SIG_DFL);
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, NULL);
  if (chdir(pl->cwd ? pl->cwd : "/") < 0) fail("cwd", "chdir", pl->cwd ? pl->cwd : "/");
  /* The container's own pty when we relay (relay.c), else the terminal we were given. */
  if (tty_slave >= 0 && (dup2(tty_slave, 0) < 0 || dup2(tty_slave, 1) < 0 || dup2(tty_slave, 2) < 0))
    fail("tty", "dup2", "the container's pty");
  if (pl->tty && (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0)) fail("tty", "ioctl(TIOCSCTTY)", "stdin");
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which the drop below may remove: do it
   * first, as runc's setns init does (the filter must then allow the calls below, as Docker's does). */
  if (pl->seccomp_path && !pl->no_new_privs) load_seccomp(pl, prog);
  if (pl->has_caps) {
    /* The bounding set can only shrink while we still hold CAP_SETPCAP, i.e. before the uid change. */
    for (int cap = 0; cap <= last_cap; cap++) {
      snprintf(what, sizeof what, "cap %d", cap);
      if (!(pl->caps[BND] >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
        fail("caps", "prctl(PR_CAPBSET_DROP)", what);
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail("caps", "prctl(PR_SET_KEEPCAPS)", "1");
  }
  /* A user namespace whose setgroups is "deny" cannot clear groups; with none asked for that is fine. */
  if (setgroups(pl->n_groups, pl->groups) < 0 && !(errno == EPERM && pl->n_groups == 0))
    fail("identity", "setgroups", "--groups");
  snprintf(what, sizeof what, "gid %u", (unsigned)pl->gid);
  if (pl->has_gid && setresgid(pl->gid, pl->gid, pl->gid) < 0) fail("identity", "setresgid", what);
  snprintf(what, sizeof what, "uid %u", (unsigned)pl->uid);
  if (pl->has_uid && setresuid(pl->uid, pl->uid, pl->uid) < 0) fail("identity", "setresuid", what);
  if (pl->has_caps) set_caps(pl, last_cap);
  if (pl->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    fail("no_new_privs", "prctl(PR_SET_NO_NEW_PRIVS)", "1");
  if (pl->seccomp_path && pl->no_new_privs) load_seccomp(pl, prog); /* last: fewest calls under the filter */
  execvp(pl->cmd[0], pl->cmd);
  int err = errno;
  fprintf(stderr, "glassbox-enter: exec %s: %s\n", pl->cmd[0], strerror(err));
  _exit(err == EACCES ? 126 : 127);
}

static int status_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

/* For the relay: the child's status once it has exited, else -1. */
static int reap_child(pid_t child) {
  int status;
  return waitpid(child, &status, WNOHANG) == child ? status_of(status) : -1;
}

static void forward_signal(pid_t child, int sig) { kill(child, sig); }

/* Forward signals to the child until it exits; exit with its status as a shell would report it. */
static int wait_child(pid_t child, const sigset_t *set) {
  for (;;) {
    int status, sig = sigwaitinfo(set, NULL);
    if (sig < 0) continue; /* EINTR */
    if (sig != SIGCHLD) { kill(child, sig); continue; }
    pid_t r = waitpid(child, &status, WNOHANG);
    if (r == child) return status_of(status);
  }
}

int main(int argc, char **argv) {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Nothing of the server's (sockets, database) may follow us into the container. */
  syscall(SYS_close_range, 3, ~0U, 0);
  struct plan pl = {0};
  struct sock_fprog prog = {0};
  parse_args(&pl, argc, argv);
  int last_cap = pl.has_caps ? read_last_cap() : 0;
  build_env(&pl);
  if (pl.seccomp_path) read_seccomp(pl.seccomp_path, &prog);
  /* The container's rlimits, set while we are still the host's root (raising a hard limit needs CAP_SYS_RESOURCE in
     the initial user ns); the command inherits them across fork and exec, as the container's own processes do. */
  for (int i = 0; i < pl.n_rlimits; i++) {
    struct { uint64_t cur, max; } rl = { pl.rlimits[i].soft, pl.rlimits[i].hard };
    if (syscall(SYS_prlimit64, 0, pl.rlimits[i].resource, &rl, NULL) < 0) fail("rlimits", "prlimit", "--rlimit");
  }

  char procpath[32];
  snprintf(procpath, sizeof procpath, "/proc/%d", (int)pl.pid);
  int pidfd = (int)syscall(SYS_pidfd_open, pl.pid, 0);
  if (pidfd < 0 && errno != ENOSYS) fail("target", "pidfd_open", procpath);
  int procfd = open(procpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (procfd < 0) fail("target", "open", procpath);
  int ns_flags = ns_to_join(&pl, procfd);
  /* The pid may have been recycled between pidfd_open and reading /proc/PID: the pidfd knows. */
  if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0) fail("target", "pidfd_send_signal", procpath);

  join_cgroups(&pl);
  join_namespaces(pidfd, procfd, ns_flags, procpath);
  /* Our host uid is usually unmapped in the container: without a uid change the command would run as
   * host root (kuid 0, shown as the overflow uid) with no capabilities. Default to the container's root. */
  if (ns_flags & CLONE_NEWUSER) {
    if (!pl.has_uid) pl.has_uid = 1, pl.uid = 0;
    if (!pl.has_gid) pl.has_gid = 1, pl.gid = 0;
  }
  if (pidfd >= 0) close(pidfd);
  close(procfd);
  /* --tty: a pty of the container's own (relayed, see relay.c) when it has a mount namespace of its own and a devpts
     in it; else the command takes the terminal we were given, which our session must first let go of. Before the
     signals are blocked: letting go raises a SIGHUP that must be ignored, not queued for the command. */
  int tty_slave = -1;
  int master = pl.tty && (ns_flags & CLONE_NEWNS) ? open_container_pty(pl.has_uid, pl.uid, pl.has_gid, pl.gid, &tty_slave) : -1;
  if (pl.tty && master < 0) release_tty();
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaddset(&set, forwarded[i]);
  sigaddset(&set, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) fail("signals", "sigprocmask", "forwarded");

  pid_t child = fork();
  if (child < 0) fail("fork", "fork", procpath);
  if (child == 0) run_child(&pl, &prog, last_cap, tty_slave);
  if (master < 0) return wait_child(child, &set);
  close(tty_slave);
  return relay(child, master, &set, reap_child, forward_signal);
}
