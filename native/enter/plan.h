/* plan.h - what glassbox-enter was asked to do: its arguments, parsed strictly into one struct. */
#ifndef GB_ENTER_PLAN_H
#define GB_ENTER_PLAN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define MAX_CGROUPS 32
#define MAX_RLIMITS 16
enum { EFF, PERM, INH, BND, AMB };

struct plan {
  pid_t pid;
  const char *cgroup_procs[MAX_CGROUPS];
  int n_cgroups;
  int ns_flags; /* 0: every namespace of the target that differs from ours */
  int has_uid, has_gid, has_groups, has_caps, no_new_privs, clear_env, tty;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t n_groups;
  uint64_t caps[5];
  const char *seccomp_path, *cwd;
  char **envs; /* K=V strings of --env, in order */
  int n_env;
  struct { int resource; uint64_t soft, hard; } rlimits[MAX_RLIMITS];
  int n_rlimits;
  char **cmd;
};

struct ns_kind {
  const char *name; /* as in /proc/PID/ns/ and in --namespaces */
  int flag;         /* CLONE_NEW* */
};
#define N_NS 8
extern const struct ns_kind ns_table[N_NS];

/* Fills *pl from argv; on any bad argument prints `glassbox-enter: <what is wrong>` and exits 125. */
void parse_args(struct plan *pl, int argc, char **argv);

#endif
