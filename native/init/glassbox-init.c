/* glassbox-init.c - PID 1 of every container: starts the command, forwards signals to it, reaps zombies.
 *
 * Usage: glassbox-init [--] CMD ARGS...
 * Like tini and catatonit. The kernel gives the init of a pid namespace no default signal actions
 * (a SIGTERM sent to it is dropped unless handled, see pid_namespaces(7)), and every orphan in the
 * namespace is reparented to it, so something must forward signals and wait() for zombies. This process
 * blocks every signal and reads them from a signalfd: SIGCHLD means "reap all zombies" (waitpid(-1,
 * WNOHANG) until none is left), anything else is forwarded to the main child (to its process group when
 * it leads a process group on a tty). When the main child exits, init exits with its status (128+signal when
 * it was killed), and the kernel kills whatever is left in the namespace. The parent allocates nothing.
 * As PID 1 on a terminal (`glassbox run` on a tty) it gives the command a pty of the container's own devpts and
 * relays it to the one it was given (relay.c, as glassbox-enter --tty does), so `tty` names /dev/pts/0 inside.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../enter/relay.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The child side of the fork: become the tty's session leader, undo our signal setup, exec CMD. */
static void __attribute__((noreturn)) exec_child(char **cmd, int on_tty, const sigset_t *empty) {
  if (on_tty) {
    if (tcgetsid(0) >= 0) {
      /* The tty belongs to a session we are only a member of (say `unshare` run from a shell): become
       * its foreground process group, as a job-control shell does (SIGTTOU is still blocked here). */
      if (setpgid(0, 0) < 0 || tcsetpgrp(0, getpid()) < 0)
        fprintf(stderr, "glassbox-init: warning: foreground process group: %s\n", strerror(errno));
    } else if (setsid() < 0 || ioctl(0, TIOCSCTTY, 0) < 0) {
      /* A new session takes the free tty as its controlling terminal: ^C and job control reach CMD. */
      fprintf(stderr, "glassbox-init: warning: controlling tty: %s\n", strerror(errno));
    }
  }
  /* Dispositions set to SIG_IGN survive execve(2); the mask survives too. Give CMD a clean slate. */
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  sigprocmask(SIG_SETMASK, empty, NULL);
  /* execvp falls back to "/bin:/usr/bin" without PATH; images expect the usual default. */
  if (!getenv("PATH")) setenv("PATH", DEFAULT_PATH, 0);
  execvp(cmd[0], cmd);
  int err = errno;
  fprintf(stderr, "glassbox-init: exec %s: %s\n", cmd[0], strerror(err));
  _exit(err == EACCES ? 126 : 127);
}

/* We lead the tty's session (spawned with setsid + TIOCSCTTY): let go of it so the child can take it.
 * TIOCNOTTY then sends SIGHUP and SIGCONT to our process group, so ignore them for the moment. */
static void release_tty(void) {
  signal(SIGHUP, SIG_IGN);
  signal(SIGCONT, SIG_IGN);
  ioctl(0, TIOCNOTTY);
  signal(SIGHUP, SIG_DFL);
  signal(SIGCONT, SIG_DFL);
}

/* The status a shell would report for the child: its exit code, or 128+signal. */
static int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

/* For the relay: reap every zombie; the main child's status once it is among them, else -1. */
static int reap_all(pid_t child) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid <= 0) return -1;
    if (pid == child) return exit_code(status);
  }
}

/* To the child's process group (it leads one on its tty), or to the child before its setsid(). */
static void forward_to_group(pid_t child, int sig) {
  if (kill(-child, sig) < 0) kill(child, sig);
}

int main(int argc, char **argv) {
  int first = 1;
  if (first < argc && strcmp(argv[first], "--") == 0) first++;
  if (first >= argc) {
    fprintf(stderr, "usage: glassbox-init [--] CMD ARGS...\n");
    return 2;
  }
  prctl(PR_SET_NAME, "glassbox-init", 0, 0, 0);
  /* Outside a pid namespace (tests, or `glassbox-init` run by hand) orphans still come to us. */
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  int on_tty = isatty(0);
  /* A container's init (PID 1) on a terminal: a pty of the container's own for the command, relayed, while we keep
     the given one as our controlling tty (its resizes reach us). Else, or if there is none, the command takes ours. */
  int tty_slave = -1, master = on_tty && getpid() == 1 ? open_container_pty(0, 0, 0, 0, &tty_slave) : -1;
  if (on_tty && master < 0 && tcgetsid(0) == getpid()) release_tty();
  sigset_t all, empty;
  sigfillset(&all);
  sigemptyset(&empty);
  /* Block before fork so no signal, SIGCHLD included, can slip between fork and the signalfd. */
  if (sigprocmask(SIG_BLOCK, &all, NULL) < 0) {
    perror("glassbox-init: sigprocmask");
    return 125;
  }
  int sfd = -1; /* with a relay, it reads the signals itself */
  if (master < 0 && (sfd = signalfd(-1, &all, SFD_CLOEXEC)) < 0) {
    perror("glassbox-init: signalfd");
    return 125;
  }
  pid_t child = fork();
  if (child < 0) {
    perror("glassbox-init: fork");
    return 125;
  }
  if (child == 0) {
    if (tty_slave >= 0 && (dup2(tty_slave, 0) < 0 || dup2(tty_slave, 1) < 0 || dup2(tty_slave, 2) < 0)) _exit(125);
    exec_child(argv + first, on_tty, &empty);
  }
  if (master >= 0) {
    close(tty_slave);
    return relay(child, master, &all, reap_all, forward_to_group);
  }

  for (;;) {
    struct signalfd_siginfo si;
    ssize_t n = read(sfd, &si, sizeof si);
    if (n < 0 && errno == EINTR) continue;
    if (n != (ssize_t)sizeof si) {
      perror("glassbox-init: read signalfd");
      kill(child, SIGKILL);
      return 125;
    }
    if (si.ssi_signo != SIGCHLD) {
      /* A session leader on a tty leads a process group with its pid; before its setsid() the
       * group does not exist yet (ESRCH), so fall back to the pid. */
      if (!on_tty || kill(-child, (int)si.ssi_signo) < 0) kill(child, (int)si.ssi_signo);
      continue;
    }
    /* One SIGCHLD can stand for many exits (signals do not queue): reap until nothing is left. */
    for (;;) {
      int status;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid < 0 && errno == EINTR) continue;
      if (pid <= 0) break;
      if (pid == child) return exit_code(status);
    }
  }
}
