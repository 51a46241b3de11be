/* caps.c - the process identity: bounding set, uid/gid/groups, the five capability sets (capabilities(7)). */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "plan.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* Order matters: the bounding set shrinks while CAP_SETPCAP is still effective; KEEPCAPS carries the
   permitted set across the uid change; capset then narrows to exactly the plan; ambient last. */
int gb_apply_identity(const struct gb_spawn_plan *p, struct gb_error *err) {
  for (int c = 0; c <= p->cap_last && c < 64; c++)
    if (!(p->cap_bnd & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      return gb_fail(err, "capabilities", "prctl(PR_CAPBSET_DROP)", "", errno);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return gb_fail(err, "capabilities", "prctl(PR_SET_KEEPCAPS)", "", errno);
  /* raw syscalls: glibc's wrappers would try to broadcast to threads this process does not have */
  if (syscall(SYS_setgroups, p->n_groups, p->groups) < 0) return gb_fail(err, "user", "setgroups", "", errno);
  if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0) return gb_fail(err, "user", "setresgid", "", errno);
  if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0) return gb_fail(err, "user", "setresuid", "", errno);

  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  data[0].effective = (uint32_t)p->cap_eff;
  data[1].effective = (uint32_t)(p->cap_eff >> 32);
  data[0].permitted = (uint32_t)p->cap_prm;
  data[1].permitted = (uint32_t)(p->cap_prm >> 32);
  data[0].inheritable = (uint32_t)p->cap_inh;
  data[1].inheritable = (uint32_t)(p->cap_inh >> 32);
  if (syscall(SYS_capset, &hdr, data) < 0) return gb_fail(err, "capabilities", "capset", "", errno);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return gb_fail(err, "capabilities", "prctl(PR_CAP_AMBIENT_CLEAR_ALL)", "", errno);
  for (int c = 0; c <= p->cap_last && c < 64; c++)
    if ((p->cap_amb & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
      return gb_fail(err, "capabilities", "prctl(PR_CAP_AMBIENT_RAISE)", "", errno);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return gb_fail(err, "capabilities", "prctl(PR_SET_KEEPCAPS)", "", errno);
  return 0;
}
