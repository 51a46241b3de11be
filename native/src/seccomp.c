/* seccomp.c - compiles an OCI seccomp profile to classic BPF with libseccomp, following runc's rules. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
/* libseccomp's header shares our header's name: <seccomp.h> finds ours if native/src is on the -I path. */
#include <seccomp.h>
#ifndef SCMP_VER_MAJOR
#error "<seccomp.h> resolved to native/src/seccomp.h: keep native/src out of include_dirs"
#endif
#include "seccomp.h"

static const char *const action_names[] = {
  [GB_ACT_ALLOW] = "SCMP_ACT_ALLOW", [GB_ACT_ERRNO] = "SCMP_ACT_ERRNO", [GB_ACT_KILL] = "SCMP_ACT_KILL",
  [GB_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS", [GB_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
  [GB_ACT_TRAP] = "SCMP_ACT_TRAP", [GB_ACT_TRACE] = "SCMP_ACT_TRACE", [GB_ACT_LOG] = "SCMP_ACT_LOG",
};
static const char *const op_names[] = {
  [GB_CMP_NE] = "SCMP_CMP_NE", [GB_CMP_LT] = "SCMP_CMP_LT", [GB_CMP_LE] = "SCMP_CMP_LE", [GB_CMP_EQ] = "SCMP_CMP_EQ",
  [GB_CMP_GE] = "SCMP_CMP_GE", [GB_CMP_GT] = "SCMP_CMP_GT", [GB_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};
static const enum scmp_compare scmp_ops[] = {
  [GB_CMP_NE] = SCMP_CMP_NE, [GB_CMP_LT] = SCMP_CMP_LT, [GB_CMP_LE] = SCMP_CMP_LE, [GB_CMP_EQ] = SCMP_CMP_EQ,
  [GB_CMP_GE] = SCMP_CMP_GE, [GB_CMP_GT] = SCMP_CMP_GT, [GB_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static int lookup(const char *const *table, size_t n, const char *name) {
  for (size_t i = 0; name && i < n; i++)
    if (table[i] && strcmp(table[i], name) == 0) return (int)i;
  return -1;
}
int gb_seccomp_action_parse(const char *name) { return lookup(action_names, sizeof action_names / sizeof *action_names, name); }
int gb_seccomp_op_parse(const char *name) { return lookup(op_names, sizeof op_names / sizeof *op_names, name); }

/* runc: a missing errnoRet means EPERM, for ERRNO and TRACE alike. */
static uint32_t scmp_action(enum gb_seccomp_action a, int errno_ret) {
  uint16_t e = errno_ret < 0 ? 1 /* EPERM */ : (uint16_t)errno_ret;
  switch (a) {
  case GB_ACT_ALLOW: return SCMP_ACT_ALLOW;
  case GB_ACT_ERRNO: return SCMP_ACT_ERRNO(e);
  case GB_ACT_KILL: return SCMP_ACT_KILL;
  case GB_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
  case GB_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
  case GB_ACT_TRAP: return SCMP_ACT_TRAP;
  case GB_ACT_TRACE: return SCMP_ACT_TRACE(e);
  case GB_ACT_LOG: return SCMP_ACT_LOG;
  }
  return SCMP_ACT_KILL_PROCESS; /* unreachable: the binding only passes parsed actions */
}

static void cleanup_ctx_fn(scmp_filter_ctx *ctx) { if (*ctx) seccomp_release(*ctx); }
#define cleanup_ctx __attribute__((cleanup(cleanup_ctx_fn)))

/* "SCMP_ARCH_X86_64" -> libseccomp's own spelling "x86_64" -> its token. */
static uint32_t arch_token(const char *oci_name) {
  char lower[32];
  const char *s = strncmp(oci_name, "SCMP_ARCH_", 10) == 0 ? oci_name + 10 : oci_name;
  size_t i = 0;
  for (; s[i] && i + 1 < sizeof lower; i++) lower[i] = (char)tolower((unsigned char)s[i]);
  lower[i] = 0;
  return seccomp_arch_resolve_name(lower);
}

static int add_architectures(scmp_filter_ctx ctx, const struct gb_seccomp_profile *p, struct gb_error *err) {
  for (size_t i = 0; i < p->n_architectures; i++) {
    uint32_t token = arch_token(p->architectures[i]);
    if (token == 0) return gb_fail(err, "seccomp", "seccomp_arch_resolve_name", p->architectures[i], EINVAL);
    int rc = seccomp_arch_add(ctx, token);
    if (rc < 0 && rc != -EEXIST) /* the native arch is already in */
      return gb_fail(err, "seccomp", "seccomp_arch_add", p->architectures[i], -rc);
  }
  return 0;
}

/* One OCI rule. Like runc: conditions on distinct arguments are ANDed in one rule; if two
 * conditions test the same argument, each becomes its own rule (ORed), the old behaviour. */
static int add_rule(scmp_filter_ctx ctx, const struct gb_seccomp_rule *r, uint32_t default_action, struct gb_error *err) {
  uint32_t action = scmp_action(r->action, r->errno_ret);
  /* libseccomp refuses a rule whose action is the default one (EACCES); runc skips it too. */
  if (action == default_action) return 0;
  if (r->n_args > 6) return gb_fail(err, "seccomp", "seccomp_rule_add", r->n_names ? r->names[0] : "", E2BIG);
  struct scmp_arg_cmp cmp[6];
  unsigned counts[6] = {0};
  int repeated = 0;
  for (size_t i = 0; i < r->n_args; i++) {
    const struct gb_seccomp_arg *a = &r->args[i];
    if (a->index > 5 || (unsigned)a->op > GB_CMP_MASKED_EQ)
      return gb_fail(err, "seccomp", "seccomp_rule_add", r->n_names ? r->names[0] : "", EINVAL);
    cmp[i] = (struct scmp_arg_cmp){ .arg = a->index, .op = scmp_ops[a->op], .datum_a = a->value, .datum_b = a->value_two };
    if (++counts[a->index] > 1) repeated = 1;
  }
  for (size_t n = 0; n < r->n_names; n++) {
    int nr = seccomp_syscall_resolve_name(r->names[n]);
    if (nr == __NR_SCMP_ERROR) continue; /* unknown to this libseccomp: skipped, as runc does */
    int rc = 0;
    if (!repeated)
      rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)r->n_args, r->n_args ? cmp : NULL);
    else
      for (size_t i = 0; i < r->n_args && rc == 0; i++) rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[i]);
    if (rc < 0) return gb_fail(err, "seccomp", "seccomp_rule_add", r->names[n], -rc);
  }
  return 0;
}

/* libseccomp 2.5.4 exports only to an fd (no seccomp_export_bpf_mem), so export into a memfd. */
static int export_bpf(scmp_filter_ctx ctx, unsigned char **bpf, size_t *len, struct gb_error *err) {
  cleanup_close int fd = memfd_create("glassbox-seccomp", MFD_CLOEXEC);
  if (fd < 0) return gb_fail(err, "seccomp", "memfd_create", "", errno);
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0) return gb_fail(err, "seccomp", "seccomp_export_bpf", "", -rc);
  struct stat st;
  if (fstat(fd, &st) < 0) return gb_fail(err, "seccomp", "fstat", "", errno);
  unsigned char *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
  if (!buf) return gb_fail(err, "seccomp", "malloc", "", ENOMEM);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { int e = n < 0 ? errno : EIO; free(buf); return gb_fail(err, "seccomp", "pread", "", e); }
    got += (size_t)n;
  }
  *bpf = buf;
  *len = got;
  return 0;
}

int gb_seccomp_compile(const struct gb_seccomp_profile *p, unsigned char **bpf, size_t *len, struct gb_error *err) {
  uint32_t default_action = scmp_action(p->default_action, p->default_errno_ret);
  cleanup_ctx scmp_filter_ctx ctx = seccomp_init(default_action);
  if (!ctx) return gb_fail(err, "seccomp", "seccomp_init", "", EINVAL);
  /* The spawner sets no_new_privs itself, before it loads the filter (see spawn.c). */
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0) return gb_fail(err, "seccomp", "seccomp_attr_set", "SCMP_FLTATR_CTL_NNP", -rc);
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 5)
  /* A binary tree of syscall numbers instead of a linear chain: the same decisions, but loading the filter
     costs ~0.25 ms instead of ~0.75 ms on every container start and every exec, because the kernel emulates
     the filter once per syscall number to build its action cache (seccomp_cache_prepare, Linux 5.11), which
     on a chain of ~300 comparisons is quadratic. Older libseccomp: the linear filter, still correct. */
  rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (rc < 0 && rc != -EINVAL && rc != -EOPNOTSUPP) return gb_fail(err, "seccomp", "seccomp_attr_set", "SCMP_FLTATR_CTL_OPTIMIZE", -rc);
#endif
  if (add_architectures(ctx, p, err) < 0) return -1;
  for (size_t i = 0; i < p->n_rules; i++)
    if (add_rule(ctx, &p->rules[i], default_action, err) < 0) return -1;
  return export_bpf(ctx, bpf, len, err);
}
