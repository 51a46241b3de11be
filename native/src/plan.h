/* plan.h - the fully resolved spawn plan: TypeScript decides everything, C walks it (bubblewrap's SetupOp habit). */
#ifndef GB_PLAN_H
#define GB_PLAN_H
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include "gb_error.h"

enum gb_op_kind {
  GB_OP_MOUNT = 1,   /* mount(source, target, fstype, flags, data) */
  GB_OP_BIND,        /* bind a host path (source) onto target, then remount with flags */
  GB_OP_MASK,        /* /dev/null over a file, an empty read-only tmpfs over a directory; skipped when missing */
  GB_OP_READONLY,    /* bind target onto itself read-only; skipped when missing */
  GB_OP_SYMLINK,     /* symlink source -> target */
  GB_OP_MKDIR,       /* mkdir -p target */
};

enum gb_mkdir { GB_MKDIR_NONE = 0, GB_MKDIR_DIR = 1, GB_MKDIR_FILE = 2 };

struct gb_mount_op {
  int kind;
  const char *source;    /* host path (bind), fs source (mount), link text (symlink) */
  const char *target;    /* relative to the new root, no leading slash, no ".." (TypeScript checks) */
  const char *fstype;
  unsigned long flags;   /* MS_* */
  unsigned long propagation; /* MS_PRIVATE/MS_SLAVE/MS_SHARED (| MS_REC), 0 = leave */
  const char *data;
  int mkdir;             /* enum gb_mkdir */
};

enum gb_rootfs_kind { GB_ROOTFS_OVERLAY = 1, GB_ROOTFS_BIND = 2 };

struct gb_rlimit { int resource; uint64_t soft, hard; };

#define GB_MAX_RLIMITS 16

struct gb_spawn_plan {
  const char *name;            /* container id, for messages */
  int clone_flags;             /* CLONE_NEW{USER,PID,NS,UTS,IPC,NET} */
  int unshare_cgroup;          /* after joining the cgroup, so its root is the container's cgroup */
  int unshare_time;            /* time ns with offsets: unshare + timens_offsets, entered at exec */
  int64_t time_monotonic_s, time_boottime_s;
  const char *uid_map, *gid_map; /* written by the parent; NULL without a user ns */
  int cgroup_fd;               /* v2: clone3 CLONE_INTO_CGROUP; -1 otherwise */
  const char **cgroup_procs; int n_cgroup_procs; /* v1: each hierarchy's cgroup.procs (the child joins through tasks) */
  int gate_fd;                 /* eventfd: TypeScript writes 1 once the overlay's dirs and a v1 cgroup exist; -1 = none */

  int rootfs_kind;
  const char *root_dir;        /* the host directory the root mount is attached on (in the child's mount ns) */
  const char **lower; int n_lower; /* overlay lower dirs, top first */
  const char *upper, *work;
  const char *staging;         /* dir holding lower0..N: idmapped layers are attached there while the overlay is made */
  const char *bind_source;     /* GB_ROOTFS_BIND: a bundle's rootfs */
  int idmap;                   /* idmap the layers (or the bind tree) to the container's user ns */
  int root_readonly;

  struct gb_mount_op *ops; int n_ops;

  const char *hostname, *domainname;
  int loopback_up;
  struct gb_rlimit rlimits[GB_MAX_RLIMITS]; int n_rlimits;
  int set_oom_score_adj, oom_score_adj;

  int cap_last;                /* /proc/sys/kernel/cap_last_cap */
  uint64_t cap_eff, cap_prm, cap_inh, cap_bnd, cap_amb;
  uid_t uid; gid_t gid; gid_t *groups; int n_groups;
  int no_new_privs;
  const unsigned char *bpf; size_t bpf_len; /* compiled seccomp filter; NULL = none */

  const char *cwd;
  int stdio[3];                /* host fds that become 0, 1, 2; -1 = /dev/null */
  int init_fd;                 /* sealed memfd holding glassbox-init (CVE-2019-5736) */
  char **argv; char **envp;    /* NULL-terminated */
  int wait_start;              /* stop before exec until gb_start() (OCI create/start) */
  int timeout_ms;              /* for the child's set-up, then it is killed */
};

/* stack: the child's stack (it shares the server's memory until exec); free with gb_spawn_release once the
   child has exec'd or died. NULL when the child was forked without CLONE_VM. */
struct gb_spawn_result { pid_t pid; int pidfd; int sync_fd; void *stack; size_t stack_size; };

/* spawn.c */
int gb_spawn(const struct gb_spawn_plan *p, struct gb_spawn_result *out, struct gb_error *err);
int gb_start(int sync_fd, int pidfd, int timeout_ms, struct gb_error *err);
/* Kill a created container that will never be started, wait until it is a zombie (no longer uses the plan or stack). */
void gb_abandon(int sync_fd, int pidfd);
void gb_spawn_release(void *stack, size_t stack_size);

/* sync messages between parent and child (runc's SYNC_*_PLS / _ACK habit) */
enum gb_msg_type { GB_MSG_GO = 1, GB_MSG_READY = 2, GB_MSG_START = 3, GB_MSG_ERROR = 4 };
struct gb_msg { int type; struct gb_error err; };

/* mounts.c */
int gb_rootfs_fd(const struct gb_spawn_plan *p, pid_t pid, struct gb_error *err);   /* parent */
int gb_setup_rootfs(const struct gb_spawn_plan *p, int rootfs_fd, struct gb_error *err); /* child */

/* namespaces.c */
int gb_write_id_maps(const struct gb_spawn_plan *p, pid_t pid, struct gb_error *err); /* parent */
int gb_join_cgroup_self(const struct gb_spawn_plan *p, struct gb_error *err);      /* child */
int gb_setup_namespaces_early(const struct gb_spawn_plan *p, struct gb_error *err);  /* child */
int gb_setup_namespaces_late(const struct gb_spawn_plan *p, struct gb_error *err);   /* child */

/* caps.c */
int gb_apply_identity(const struct gb_spawn_plan *p, struct gb_error *err);          /* child */

#endif
