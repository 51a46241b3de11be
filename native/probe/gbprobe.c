/* gbprobe.c - a tiny static probe run inside containers so engine tests assert exact kernel facts.
 *
 * Usage: gbprobe VERB [ARGS]; prints ONE line of JSON on stdout, exits 0 (1 if the verb could not run,
 * 2 for usage). After crun's tests/init.c: instead of parsing shell output, a test runs
 * `gbprobe syscall mount` inside the container and gets {"syscall":"mount","ret":-1,"errno":1,"error":"EPERM"}.
 * Every `syscall` verb uses arguments that cannot change anything even when the call is allowed: the
 * kernel rejects them (EINVAL, ENODEV, ESRCH...) after its permission checks, so EPERM means "denied"
 * (by a missing capability or by seccomp) and any other answer means "allowed". Static, no NSS: `connect`
 * takes numeric addresses only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int err) {
  const char *name = err ? strerrorname_np(err) : NULL;
  return name ? name : "";
}

/* JSON string body: quotes, backslashes and control characters escaped. */
static void put_json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static int verb_pid(void) {
  printf("{\"pid\":%d,\"ppid\":%d}\n", (int)getpid(), (int)getppid());
  return 0;
}

/* Copies the value of "Key:\t..." from /proc/self/status into out (first word only). */
static void status_field(const char *status, const char *key, char *out, size_t size) {
  size_t klen = strlen(key);
  out[0] = 0;
  for (const char *line = status; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, key, klen) || line[klen] != ':') continue;
    const char *v = line + klen + 1;
    v += strspn(v, " \t");
    size_t n = strcspn(v, " \t\n");
    if (n >= size) n = size - 1;
    memcpy(out, v, n);
    out[n] = 0;
    return;
  }
}

static int verb_status(void) {
  static char buf[16384];
  int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
  if (n < 0) {
    printf("{\"errno\":%d,\"error\":\"%s\"}\n", errno, errname(errno));
    return 1;
  }
  buf[n] = 0;
  close(fd);
  static const char *caps[][2] = {{"capEff", "CapEff"}, {"capPrm", "CapPrm"}, {"capBnd", "CapBnd"},
                                  {"capInh", "CapInh"}, {"capAmb", "CapAmb"}};
  char v[64];
  putchar('{');
  for (size_t i = 0; i < 5; i++) {
    status_field(buf, caps[i][1], v, sizeof v);
    printf("\"%s\":\"%s\",", caps[i][0], v);
  }
  status_field(buf, "NoNewPrivs", v, sizeof v);
  printf("\"noNewPrivs\":%d,", atoi(v));
  status_field(buf, "Seccomp", v, sizeof v);
  printf("\"seccomp\":%d,", atoi(v));
  status_field(buf, "Uid", v, sizeof v);
  printf("\"uid\":%ld,", atol(v));
  status_field(buf, "Gid", v, sizeof v);
  printf("\"gid\":%ld}\n", atol(v));
  return 0;
}

/* Each call: permission checks first, then arguments the kernel always rejects. */
static long try_syscall(const char *name) {
  if (!strcmp(name, "reboot")) /* magic2 = 0 is invalid: EINVAL after the CAP_SYS_BOOT check */
    return syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, 0, LINUX_REBOOT_CMD_CAD_OFF, NULL);
  if (!strcmp(name, "mount")) /* unknown tmpfs option: EINVAL after may_mount() */
    return mount("none", "/", "tmpfs", 0, "gbprobe_no_such_option=1");
  if (!strcmp(name, "keyctl")) /* read-only: the session keyring's id, never created */
    return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
  if (!strcmp(name, "bpf")) { /* map type 0 (UNSPEC) does not exist: EINVAL */
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
  }
  if (!strcmp(name, "unshare-user")) return unshare(CLONE_NEWUSER); /* only this short-lived process */
  if (!strcmp(name, "unshare-net")) return unshare(CLONE_NEWNET);
  if (!strcmp(name, "ptrace")) /* we do not trace ourselves: ESRCH */
    return ptrace(PTRACE_PEEKDATA, getpid(), NULL, NULL);
  if (!strcmp(name, "mkdir")) {
    long r = mkdir("/tmp/gbprobe-x", 0755);
    if (r == 0) rmdir("/tmp/gbprobe-x");
    return r;
  }
  if (!strcmp(name, "setns")) { /* rejoin our own uts namespace: a no-op that needs CAP_SYS_ADMIN */
    int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    long r = setns(fd, CLONE_NEWUTS);
    int err = errno;
    close(fd);
    errno = err;
    return r;
  }
  if (!strcmp(name, "chroot")) return chroot("/");
  if (!strcmp(name, "swapon")) /* CAP_SYS_ADMIN is checked before the path: ENOENT if allowed */
    return syscall(SYS_swapon, "/gbprobe-no-such-swapfile", 0);
  if (!strcmp(name, "init_module")) /* an empty image is never a module */
    return syscall(SYS_init_module, NULL, 0, "");
  if (!strcmp(name, "umount2")) /* not a mount root: EINVAL after may_mount() */
    return umount2("/proc/self/fd", 0);
  if (!strcmp(name, "open_by_handle_at")) { /* handle type 0xff is decoded by no filesystem */
    struct { struct file_handle h; unsigned char bytes[8]; } fh = {.h = {.handle_bytes = 8, .handle_type = 0xff}};
    long fd = syscall(SYS_open_by_handle_at, AT_FDCWD, &fh.h, O_RDONLY);
    if (fd >= 0) close((int)fd);
    return fd < 0 ? -1 : 0;
  }
  errno = ENOSYS;
  return -2;
}

static int verb_syscall(const char *name) {
  errno = 0;
  long r = try_syscall(name);
  if (r == -2) {
    fprintf(stderr, "gbprobe: unknown syscall '%s'\n", name);
    return 2;
  }
  int err = r < 0 ? errno : 0;
  printf("{\"syscall\":\"%s\",\"ret\":%ld,\"errno\":%d,\"error\":", name, r < 0 ? -1L : r, err);
  if (err) printf("\"%s\"}\n", errname(err));
  else printf("null}\n");
  return 0;
}

static int verb_memhog(long mb) {
  for (long i = 0; i < mb; i++) {
    /* mmap, not malloc: every MiB is fresh and stays mapped until we exit. */
    char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      printf("{\"allocated\":%ld,\"errno\":%d,\"error\":\"%s\"}\n", i, errno, errname(errno));
      return 1;
    }
    memset(p, 0x5a, 1 << 20); /* touch every page so it is charged to the memory cgroup */
    fprintf(stderr, "gbprobe: memhog %ld MiB\n", i + 1);
  }
  printf("{\"allocated\":%ld}\n", mb);
  return 0;
}

static int verb_forkbomb(long n) {
  pid_t *pids = calloc((size_t)n, sizeof(pid_t));
  long forked = 0;
  int err = 0;
  if (!pids) return 1;
  fflush(stdout);
  while (forked < n) {
    pid_t pid = fork();
    if (pid < 0) { err = errno; break; }
    if (pid == 0) { sleep(5); _exit(0); }
    pids[forked++] = pid;
  }
  for (long i = 0; i < forked; i++) kill(pids[i], SIGKILL);
  for (long i = 0; i < forked; i++) while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {}
  free(pids);
  printf("{\"forked\":%ld,\"errno\":%d,\"error\":", forked, err);
  if (err) printf("\"%s\"}\n", errname(err));
  else printf("null}\n");
  return 0;
}

static void print_connect_failure(int err) {
  printf("{\"connected\":false,\"errno\":%d,\"error\":\"%s\"}\n", err, errname(err));
}

static int verb_connect(const char *host, long port) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET, in4->sin_port = htons((uint16_t)port), len = sizeof *in4;
  } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6, in6->sin6_port = htons((uint16_t)port), len = sizeof *in6;
  } else {
    fprintf(stderr, "gbprobe: connect: HOST must be a numeric IPv4 or IPv6 address\n");
    return 2;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) { print_connect_failure(errno); return 0; }
  int err = 0;
  if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
    err = errno;
    if (err == EINPROGRESS) {
      struct pollfd pfd = {.fd = fd, .events = POLLOUT};
      int r = poll(&pfd, 1, 1000);
      socklen_t elen = sizeof err;
      if (r == 0) err = ETIMEDOUT;
      else if (r < 0) err = errno;
      else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0) err = errno;
    }
  }
  close(fd);
  if (err) print_connect_failure(err);
  else printf("{\"connected\":true}\n");
  return 0;
}

static int verb_read(const char *path) {
  static char buf[65536];
  long long total = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  while (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { int err = errno; close(fd); fd = -1; errno = err; break; }
    if (n == 0) break;
    total += n;
  }
  if (fd < 0) {
    printf("{\"errno\":%d,\"error\":\"%s\"}\n", errno, errname(errno));
    return 1;
  }
  close(fd);
  printf("{\"bytes\":%lld,\"empty\":%s}\n", total, total ? "false" : "true");
  return 0;
}

static int verb_hostname(void) {
  struct utsname u;
  if (uname(&u) < 0) return 1;
  printf("{\"hostname\":");
  put_json_string(u.nodename);
  printf("}\n");
  return 0;
}

static int verb_ns(void) {
  static const char *names[] = {"user", "pid", "mnt", "uts", "ipc", "net", "cgroup", "time"};
  putchar('{');
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char path[32];
    struct stat st;
    snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
    printf("%s\"%s\":%llu", i ? "," : "", names[i],
           stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0ULL);
  }
  printf("}\n");
  return 0;
}

static int usage(void) {
  fprintf(stderr,
          "usage: gbprobe VERB [ARGS]\n"
          "  pid | status | hostname | ns\n"
          "  syscall NAME   (reboot mount keyctl bpf unshare-user unshare-net ptrace mkdir setns chroot swapon\n"
          "                  init_module umount2 open_by_handle_at)\n"
          "  memhog MB | forkbomb N | connect HOST PORT | read PATH | sleep SECONDS\n");
  return 2;
}

/* A whole decimal number in [min, max], or -1. */
static long number(const char *s, long min, long max) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  return (!*s || *end || errno || v < min || v > max) ? -1 : v;
}

int main(int argc, char **argv) {
  const char *verb = argc > 1 ? argv[1] : "";
  const char *arg = argc > 2 ? argv[2] : NULL;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!strcmp(verb, "pid") && argc == 2) return verb_pid();
  if (!strcmp(verb, "status") && argc == 2) return verb_status();
  if (!strcmp(verb, "hostname") && argc == 2) return verb_hostname();
  if (!strcmp(verb, "ns") && argc == 2) return verb_ns();
  if (!strcmp(verb, "syscall") && argc == 3) return verb_syscall(arg) == 2 ? usage() : 0;
  if (!strcmp(verb, "read") && argc == 3) return verb_read(arg);
  if (!strcmp(verb, "memhog") && argc == 3 && number(arg, 0, 1 << 20) >= 0) return verb_memhog(number(arg, 0, 1 << 20));
  if (!strcmp(verb, "forkbomb") && argc == 3 && number(arg, 1, 100000) > 0) return verb_forkbomb(number(arg, 1, 100000));
  if (!strcmp(verb, "connect") && argc == 4 && number(argv[3], 1, 65535) > 0)
    return verb_connect(arg, number(argv[3], 1, 65535));
  if (!strcmp(verb, "sleep") && argc == 3 && number(arg, 0, 1 << 30) >= 0) {
    long s = number(arg, 0, 1 << 30);
    for (unsigned left = (unsigned)s; left;) left = sleep(left);
    printf("{\"slept\":%ld}\n", s);
    return 0;
  }
  return usage();
}
