/* gbmkbpf.c - test-only host tool: writes a seccomp filter as raw BPF (what glassbox-enter --seccomp loads).
 *
 * Usage: gbmkbpf OUT.bpf [SYSCALL...]; the filter allows everything except the named syscalls, which fail
 * with EPERM (default: mkdir, mkdirat). Built by `make -C native test-tools`, linked with libseccomp.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  static char *fallback[] = {"mkdir", "mkdirat"};
  char **names = argc > 2 ? argv + 2 : fallback;
  int n = argc > 2 ? argc - 2 : 2;
  if (argc < 2) {
    fprintf(stderr, "usage: gbmkbpf OUT.bpf [SYSCALL...]\n");
    return 2;
  }
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) return 1;
  for (int i = 0; i < n; i++) {
    int nr = seccomp_syscall_resolve_name(names[i]);
    if (nr == __NR_SCMP_ERROR || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) < 0) {
      fprintf(stderr, "gbmkbpf: cannot deny %s\n", names[i]);
      return 1;
    }
  }
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0) {
    perror("gbmkbpf: export");
    return 1;
  }
  close(fd);
  seccomp_release(ctx);
  return 0;
}
