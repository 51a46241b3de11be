/* pty.c - a pseudo-terminal pair for `glassbox run` on a tty (pty(7)). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "util.h"

int gb_openpty(int *master, int *slave, char *name, size_t size, struct gb_error *err) {
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return gb_fail(err, "pty", "posix_openpt", "/dev/ptmx", errno);
  if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, size) != 0) {
    int e = errno;
    close(m);
    return gb_fail(err, "pty", "unlockpt", "/dev/ptmx", e);
  }
  int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    int e = errno;
    close(m);
    return gb_fail(err, "pty", "open", name, e);
  }
  *master = m;
  *slave = s;
  return 0;
}

int gb_set_winsize(int fd, int cols, int rows, struct gb_error *err) {
  struct winsize ws = { (unsigned short)rows, (unsigned short)cols, 0, 0 };
  if (ioctl(fd, TIOCSWINSZ, &ws) < 0) return gb_fail(err, "pty", "ioctl(TIOCSWINSZ)", "", errno);
  return 0;
}
