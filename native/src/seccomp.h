/* seccomp.h - an OCI seccomp profile as a plain C struct, and its compiler to classic BPF (libseccomp). */
#ifndef GB_SECCOMP_H
#define GB_SECCOMP_H
#include <stddef.h>
#include <stdint.h>
#include "gb_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Actions and comparisons in the OCI spec's words; seccomp.c maps them onto libseccomp's values,
 * so the binding needs no libseccomp header. SCMP_ACT_NOTIFY is refused (no listener yet). */
enum gb_seccomp_action {
  GB_ACT_ALLOW, GB_ACT_ERRNO, GB_ACT_KILL, GB_ACT_KILL_PROCESS, GB_ACT_KILL_THREAD,
  GB_ACT_TRAP, GB_ACT_TRACE, GB_ACT_LOG,
};
enum gb_seccomp_op { GB_CMP_NE, GB_CMP_LT, GB_CMP_LE, GB_CMP_EQ, GB_CMP_GE, GB_CMP_GT, GB_CMP_MASKED_EQ };

struct gb_seccomp_arg {
  unsigned int index; /* 0..5 */
  uint64_t value;     /* for MASKED_EQ: the mask */
  uint64_t value_two; /* for MASKED_EQ: what the masked argument must equal */
  enum gb_seccomp_op op;
};

struct gb_seccomp_rule {
  const char *const *names; size_t n_names;
  enum gb_seccomp_action action;
  int errno_ret;            /* for ERRNO/TRACE; -1 = not given (runc then uses EPERM) */
  const struct gb_seccomp_arg *args; size_t n_args;
};

struct gb_seccomp_profile {
  enum gb_seccomp_action default_action;
  int default_errno_ret;    /* -1 = not given */
  const char *const *architectures; size_t n_architectures; /* "SCMP_ARCH_X86" ...; native is always in */
  const struct gb_seccomp_rule *rules; size_t n_rules;
};

/* "SCMP_ACT_ALLOW" -> GB_ACT_ALLOW; -1 if unknown (or NOTIFY). */
int gb_seccomp_action_parse(const char *name);
/* "SCMP_CMP_EQ" -> GB_CMP_EQ; -1 if unknown. */
int gb_seccomp_op_parse(const char *name);

/* Compile p to a BPF program (an array of struct sock_filter) in malloc'd *bpf of *len bytes.
 * Unknown syscall names are skipped, as runc does. Returns 0, or -1 with *err filled. */
int gb_seccomp_compile(const struct gb_seccomp_profile *p, unsigned char **bpf, size_t *len, struct gb_error *err);

#ifdef __cplusplus
}
#endif
#endif
