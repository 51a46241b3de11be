/* relay.h - a pty of the container's own devpts and the relay between it and the terminal we were given (relay.c),
 * shared by glassbox-enter (--tty) and glassbox-init (PID 1 on a tty). */
#ifndef GLASSBOX_RELAY_H
#define GLASSBOX_RELAY_H
#include <signal.h>
#include <sys/types.h>

/* Call inside the container's mount namespace. Opens its /dev/pts/ptmx (with fsuid/fsgid set to uid/gid when asked,
 * so the command owns its terminal) at our terminal's size: the master, and the slave in *slave; -1 if there is none
 * to be had (the caller then keeps the terminal it was given). */
int open_container_pty(int has_uid, uid_t uid, int has_gid, gid_t gid, int *slave);

/* Copies between our terminal (fds 0 and 1) and master until the command exits; returns its status. `signals` are
 * blocked by the caller and read here: SIGWINCH copies our size on, SIGCHLD calls reap (the command's status, or -1
 * while it runs), any other goes to forward. */
int relay(pid_t child, int master, const sigset_t *signals, int (*reap)(pid_t child), void (*forward)(pid_t child, int sig));

#endif
