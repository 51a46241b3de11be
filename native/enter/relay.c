/* relay.c - glassbox-enter --tty and glassbox-init as PID 1 on a tty: the command gets a pseudo-terminal of the
 * container's own devpts (so `tty`, `ps` and anything that reopens its terminal by name see /dev/pts/N inside the
 * container), and we copy bytes between it and the terminal we were given (node-pty's, or the CLI's for `glassbox
 * exec` and `run` on a tty), as runc's console socket and a containerd shim do between them.
 *
 * The pty is opened after setns into the container's mount namespace, as the container's user (setfsuid: the slave is
 * created with the opener's fsuid, so the command owns its terminal), from /dev/pts/ptmx without following any
 * symlink, and it must be a devpts ptmx: a learner who has replaced their /dev cannot make us open something else.
 * Anything unexpected falls back to the given terminal as it is (the old behaviour), never to an error.
 * The relay keeps the given terminal as its controlling tty, so a resize there signals us (SIGWINCH) and we copy
 * the size on; it puts that terminal in raw mode (the container's pty does echo, line editing and ^C) and restores
 * it on the way out. Both directions are non-blocking with one buffer each, so neither side can stall the other:
 * when the far side stops reading (the server pausing a flood), we stop reading the near side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "relay.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static void copy_size(int from, int to) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0) ioctl(to, TIOCSWINSZ, &ws);
}

int open_container_pty(int has_uid, uid_t uid, int has_gid, gid_t gid, int *slave) {
  struct open_how how = {
    .flags = O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK,
    .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  /* The command's identity owns the slave (devpts gives it the opener's fsuid/fsgid). Back to root of the namespace
     after, not to our old ids: host root is unmapped in a user namespace (setfsuid would take the overflow uid), and
     leaving root drops the file-system capabilities the child still needs (its chdir comes before its setuid). */
  if (has_gid) setfsgid(gid);
  if (has_uid) setfsuid(uid);
  int dirfd = open("/dev/pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int master = dirfd < 0 ? -1 : (int)syscall(SYS_openat2, dirfd, "ptmx", &how, sizeof how);
  if (has_uid) setfsuid(0);
  if (has_gid) setfsgid(0);
  if (dirfd >= 0) close(dirfd);
  if (master < 0) return -1;
  struct statfs fs;
  struct stat st;
  int unlock = 0;
  if (fstatfs(master, &fs) < 0 || fs.f_type != DEVPTS_SUPER_MAGIC || fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) ||
      major(st.st_rdev) != 5 || minor(st.st_rdev) != 2 || ioctl(master, TIOCSPTLCK, &unlock) < 0) {
    close(master);
    return -1;
  }
  *slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*slave < 0) {
    close(master);
    return -1;
  }
  copy_size(0, master); /* the command starts at our terminal's size */
  return master;
}

struct buf { char data[16384]; size_t len, off; };

enum { BULK_BYTES = 128, BULK_PAUSE_NS = 1000000 };

/* Moves what `from` has into b (when b is empty); 0 at end of file or on an error that ends the side. */
static int fill(int from, struct buf *b) {
  ssize_t n = read(from, b->data, sizeof b->data);
  if (n > 0) { b->len = (size_t)n; b->off = 0; return 1; }
  return n < 0 && (errno == EAGAIN || errno == EINTR);
}

/* Writes what b holds to `to`; 0 if `to` is gone. */
static int drain(int to, struct buf *b) {
  while (b->off < b->len) {
    ssize_t n = write(to, b->data + b->off, b->len - b->off);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    b->off += (size_t)n;
  }
  b->len = b->off = 0;
  return 1;
}

int relay(pid_t child, int master, const sigset_t *signals, int (*reap)(pid_t child), void (*forward)(pid_t child, int sig)) {
  static struct buf in, out; /* in: our terminal -> the container's; out: back */
  /* Resizes reach us as SIGWINCH only from our controlling terminal: node-pty makes fd 0 that already; a plain spawn
     (`glassbox exec` on a tty) does not, so take it (we lead no group there, so setsid works). */
  if (tcgetsid(0) != getsid(0) && setsid() >= 0) ioctl(0, TIOCSCTTY, 0);
  struct termios saved, raw;
  int have_termios = tcgetattr(0, &saved) == 0;
  if (have_termios) {
    raw = saved;
    cfmakeraw(&raw);
    tcsetattr(0, TCSANOW, &raw);
  }
  int sfd = signalfd(-1, signals, SFD_CLOEXEC | SFD_NONBLOCK);
  int fl0 = fcntl(0, F_GETFL), fl1 = fcntl(1, F_GETFL);
  fcntl(0, F_SETFL, fl0 | O_NONBLOCK);
  fcntl(1, F_SETFL, fl1 | O_NONBLOCK);
  int near_open = 1, far_open = 1, status = -1;
  while (status < 0) {
    /* A side that is gone leaves the poll set (a hung-up fd would wake it forever). */
    struct pollfd p[4] = {
      {near_open ? 0 : -1, (short)(in.len ? 0 : POLLIN), 0},
      {far_open ? master : -1, (short)((out.len ? 0 : POLLIN) | (in.len ? POLLOUT : 0)), 0},
      {near_open && out.len ? 1 : -1, POLLOUT, 0},
      {sfd, POLLIN, 0},
    };
    if (poll(p, 4, sfd < 0 ? 50 : -1) < 0 && errno != EINTR) break;
    /* Each read is written on at once (a non-blocking write mostly takes it all): one poll per chunk, not two. */
    if (p[0].revents) {
      if (!fill(0, &in)) near_open = 0;
      else if (in.len && far_open && !drain(master, &in)) far_open = 0;
    }
    if (p[1].revents & (POLLOUT | POLLERR) && in.len && !drain(master, &in)) far_open = 0;
    /* EIO: nothing holds the container's side any more (the command and whatever it started have closed it). */
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && !out.len) {
      size_t got = 0;
      if (!fill(master, &out)) far_open = 0;
      else if ((got = out.len) && near_open && !drain(1, &out)) near_open = 0;
      /* Output in bulk (more than an echo or a prompt) comes in pieces of a few hundred bytes, each write of the
         command a wake-up here (measured: 45,000 rounds of poll, read and write for 7.5 MB of `yes`): let the next
         piece pile up with the rest for a moment. A keystroke's echo never waits. */
      if (got >= BULK_BYTES) nanosleep(&(struct timespec){0, BULK_PAUSE_NS}, NULL);
    }
    if (p[2].revents && out.len && !drain(1, &out)) near_open = 0;
    if (!near_open && far_open) {
      /* Our terminal went away (the server closed it): hang up the container's, as a closed terminal does (SIGHUP
         to the command's session), and wait for the command to go. */
      close(master);
      master = -1;
      far_open = 0;
      kill(child, SIGHUP);
    }
    if (!far_open) in.len = in.off = 0;
    if (!near_open) out.len = out.off = 0;
    /* Signals only when the signalfd has some (or without one, every round): SIGCHLD is when to reap. */
    int chld = sfd < 0;
    struct signalfd_siginfo si;
    while ((p[3].revents & POLLIN) && read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
      if (si.ssi_signo == SIGCHLD) chld = 1;
      else if (si.ssi_signo == SIGWINCH) { if (master >= 0) copy_size(0, master); }
      else forward(child, (int)si.ssi_signo);
    }
    if (chld) status = reap(child);
  }
  /* The command has exited: its last words may still be on their way through the pty (a write reaches the master's
     side a moment later, from a kernel worker) and in `out`. Read until EIO (no one holds the container's side) or
     until it has been quiet for QUIET_MS (something the command started still holds it), then go with its status. */
  enum { QUIET_MS = 100, STALLED_MS = 2000 };
  while (near_open) {
    if (out.len) {
      /* Our side not reading (a paused, detached terminal) for STALLED_MS: the rest is dropped, the exit not held. */
      struct pollfd w = {1, POLLOUT, 0};
      if (poll(&w, 1, STALLED_MS) <= 0 || !drain(1, &out)) break;
      continue;
    }
    if (master < 0) break;
    struct pollfd r = {master, POLLIN, 0};
    if (poll(&r, 1, QUIET_MS) <= 0 || !fill(master, &out) || !out.len) {
      close(master);
      master = -1;
    }
  }
  fcntl(1, F_SETFL, fl1);
  if (have_termios) tcsetattr(0, TCSANOW, &saved);
  fcntl(0, F_SETFL, fl0);
  while (status < 0) {
    /* The loop ended on an error: the command's status is still what we exit with. */
    struct signalfd_siginfo si;
    if (sfd < 0 || read(sfd, &si, sizeof si) < 0) usleep(10000);
    status = reap(child);
  }
  return status;
}
