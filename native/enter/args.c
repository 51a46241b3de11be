/* args.c - glassbox-enter's argument parser: exact formats only, exit 125 with one line on anything else. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"

/* user first (it grants the capabilities the others need), mnt last (it changes what /proc means). */
const struct ns_kind ns_table[N_NS] = {
    {"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},   {"pid", CLONE_NEWPID},       {"time", CLONE_NEWTIME}, {"mnt", CLONE_NEWNS},
};

static void __attribute__((noreturn, format(printf, 1, 2))) bad_arg(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("glassbox-enter: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  _exit(125);
}

/* strtoull accepts spaces, signs and "0x"; we accept digits only. */
static uint64_t parse_num(const char *opt, const char *s, int base, size_t max_digits, uint64_t max) {
  size_t len = strlen(s);
  if (len == 0 || len > max_digits || strspn(s, base == 16 ? "0123456789abcdefABCDEF" : "0123456789") != len)
    bad_arg("%s: not a %s number: '%s'", opt, base == 16 ? "hex" : "decimal", s);
  uint64_t v = strtoull(s, NULL, base);
  if (v > max) bad_arg("%s: out of range: %s", opt, s);
  return v;
}

static int parse_namespaces(const char *list) {
  int flags = 0;
  const char *p = list;
  for (;;) {
    size_t len = strcspn(p, ",");
    size_t i = 0;
    while (i < N_NS && !(strlen(ns_table[i].name) == len && strncmp(ns_table[i].name, p, len) == 0)) i++;
    if (i == N_NS) bad_arg("--namespaces: unknown namespace '%.*s' in '%s'", (int)len, p, list);
    flags |= ns_table[i].flag;
    if (!p[len]) return flags;
    p += len + 1;
  }
}

static void parse_groups(struct plan *pl, const char *list) {
  size_t n = *list ? 1 : 0;
  for (const char *c = list; *c; c++) n += *c == ',';
  pl->groups = calloc(n ? n : 1, sizeof(gid_t));
  if (!pl->groups) bad_arg("--groups: out of memory");
  char *copy = strdup(list), *save = NULL;
  if (!copy) bad_arg("--groups: out of memory");
  for (char *tok = n ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save))
    pl->groups[pl->n_groups++] = (gid_t)parse_num("--groups", tok, 10, 10, 0xfffffffeu);
  if (pl->n_groups != n) bad_arg("--groups: empty entry in '%s'", list);
  free(copy);
}

static void parse_caps(struct plan *pl, const char *s) {
  char buf[5 * 17];
  if (strlen(s) >= sizeof buf) bad_arg("--caps: expected EFF:PERM:INH:BND:AMB, got '%s'", s);
  strcpy(buf, s);
  char *p = buf;
  for (int i = 0; i < 5; i++) {
    char *colon = strchr(p, ':');
    if ((i < 4) != (colon != NULL)) bad_arg("--caps: expected EFF:PERM:INH:BND:AMB, got '%s'", s);
    if (colon) *colon = 0;
    pl->caps[i] = parse_num("--caps", p, 16, 16, UINT64_MAX);
    p = colon + 1;
  }
  pl->has_caps = 1;
}

static void once(int *seen, const char *opt) {
  if ((*seen)++) bad_arg("%s given twice", opt);
}

void parse_args(struct plan *pl, int argc, char **argv) {
  int seen_pid = 0, seen_ns = 0, seen_seccomp = 0, seen_cwd = 0, seen_nnp = 0, seen_clear = 0, seen_tty = 0;
  int i;
  pl->envs = calloc((size_t)argc, sizeof(char *));
  if (!pl->envs) bad_arg("out of memory");
  for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
    const char *opt = argv[i];
    if (!strcmp(opt, "--no-new-privs")) { once(&seen_nnp, opt); pl->no_new_privs = 1; continue; }
    if (!strcmp(opt, "--clear-env")) { once(&seen_clear, opt); pl->clear_env = 1; continue; }
    if (!strcmp(opt, "--tty")) { once(&seen_tty, opt); pl->tty = 1; continue; }
    if (i + 1 >= argc) bad_arg("%s: missing value (or unknown option)", opt);
    char *val = argv[++i];
    if (!strcmp(opt, "--pid")) {
      once(&seen_pid, opt);
      pl->pid = (pid_t)parse_num(opt, val, 10, 10, 0x3fffffff);
      if (pl->pid < 1) bad_arg("--pid: must be positive");
    } else if (!strcmp(opt, "--cgroup-procs")) {
      if (pl->n_cgroups == MAX_CGROUPS) bad_arg("--cgroup-procs: more than %d", MAX_CGROUPS);
      if (val[0] != '/') bad_arg("--cgroup-procs: not an absolute path: '%s'", val);
      pl->cgroup_procs[pl->n_cgroups++] = val;
    } else if (!strcmp(opt, "--namespaces")) {
      once(&seen_ns, opt);
      pl->ns_flags = parse_namespaces(val);
    } else if (!strcmp(opt, "--uid")) {
      once(&pl->has_uid, opt);
      pl->uid = (uid_t)parse_num(opt, val, 10, 10, 0xfffffffeu);
    } else if (!strcmp(opt, "--gid")) {
      once(&pl->has_gid, opt);
      pl->gid = (gid_t)parse_num(opt, val, 10, 10, 0xfffffffeu);
    } else if (!strcmp(opt, "--groups")) {
      once(&pl->has_groups, opt);
      parse_groups(pl, val);
    } else if (!strcmp(opt, "--caps")) {
      if (pl->has_caps) bad_arg("--caps given twice");
      parse_caps(pl, val);
    } else if (!strcmp(opt, "--seccomp")) {
      once(&seen_seccomp, opt);
      pl->seccomp_path = val;
    } else if (!strcmp(opt, "--cwd")) {
      once(&seen_cwd, opt);
      if (val[0] != '/') bad_arg("--cwd: not an absolute path: '%s'", val);
      pl->cwd = val;
    } else if (!strcmp(opt, "--rlimit")) {
      /* RESOURCE:SOFT:HARD, numbers as getrlimit(2) (inf = unlimited): the container's process.rlimits */
      if (pl->n_rlimits == MAX_RLIMITS) bad_arg("--rlimit: more than %d", MAX_RLIMITS);
      char *a = strchr(val, ':'), *b = a ? strchr(a + 1, ':') : NULL;
      if (!a || !b) bad_arg("--rlimit: expected RESOURCE:SOFT:HARD, got '%s'", val);
      *a = 0; *b = 0;
      pl->rlimits[pl->n_rlimits].resource = (int)parse_num(opt, val, 10, 2, 15);
      pl->rlimits[pl->n_rlimits].soft = !strcmp(a + 1, "inf") ? UINT64_MAX : parse_num(opt, a + 1, 10, 20, UINT64_MAX - 1);
      pl->rlimits[pl->n_rlimits].hard = !strcmp(b + 1, "inf") ? UINT64_MAX : parse_num(opt, b + 1, 10, 20, UINT64_MAX - 1);
      if (pl->rlimits[pl->n_rlimits].soft > pl->rlimits[pl->n_rlimits].hard) bad_arg("--rlimit: soft above hard");
      pl->n_rlimits++;
    } else if (!strcmp(opt, "--env")) {
      if (!strchr(val, '=') || val[0] == '=') bad_arg("--env: expected K=V, got '%s'", val);
      pl->envs[pl->n_env++] = val;
    } else {
      bad_arg("unknown option '%s'", opt);
    }
  }
  if (!seen_pid) bad_arg("--pid is required");
  if (i >= argc || i + 1 >= argc) bad_arg("missing -- CMD ARGS...");
  pl->cmd = argv + i + 1;
}

