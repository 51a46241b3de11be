/* mounts.c - the container's root: an overlay of (idmapped) layers built by the parent, then walked into place by the child. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "plan.h"

/* ---- parent: one detached mount holding the whole root ------------------------------------ */

static int read_fs_log(int fsfd, char *out, size_t size) {
  /* The new mount API keeps the kernel's complaint ("overlayfs: failed to ...") in the context: surface it. */
  char buf[256];
  ssize_t n = read(fsfd, buf, sizeof buf - 1);
  if (n <= 0) return 0;
  buf[n] = 0;
  if (buf[n - 1] == '\n') buf[n - 1] = 0;
  gb_strlcpy(out, buf[1] == ' ' ? buf + 2 : buf, size);
  return 1;
}

static int fs_set(int fsfd, const char *key, const char *value, struct gb_error *err) {
  if (syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, key, value, 0) < 0) {
    int saved = errno;
    gb_fail(err, "rootfs", "fsconfig", value, saved);
    read_fs_log(fsfd, err->path, sizeof err->path);
    return -1;
  }
  return 0;
}

/* fsconfig(2) copies at most 256 bytes of a string value (strndup_user: EINVAL beyond, and no log message),
   so a joined "lowerdir" of a few long layer paths fails. Short lists go in one call (every kernel with
   fsconfig); long ones one layer per "lowerdir+" call (Linux 6.8); older kernels get each layer as an
   O_PATH fd's /proc/self/fd/N, which overlayfs resolves to the directory when it parses the option. */
/* The descriptors go to fds/nfds: the caller closes them only after FSCONFIG_CMD_CREATE, because with the legacy
   context the paths are resolved then, not when the option is set. */
static int set_lowerdir(int fsfd, char *lowerdir, int n_lower, int *fds, int *nfds, struct gb_error *err) {
  *nfds = 0;
  if (strlen(lowerdir) < 256) return fs_set(fsfd, "lowerdir", lowerdir, err);
  /* fsconfig takes at most 256 bytes per string. "lowerdir+" (one layer per call) exists only where overlayfs has
     its own fs_context (6.5+); before that the legacy context accepts any key and the mount fails later with a bare
     EINVAL. So long lists always go as O_PATH descriptors, /proc/self/fd/N, which every version resolves. */
  char fdlist[256];
  int n = 0, rc = -1;
  size_t len = 0;
  fdlist[0] = 0;
  for (char *s = lowerdir, *next; s && n < 64; s = next) {
    next = strchr(s, ':');
    if (next) *next++ = 0;
    fds[n] = open(s, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fds[n] < 0) { gb_fail(err, "rootfs", "open", s, errno); goto out; }
    int w = snprintf(fdlist + len, sizeof fdlist - len, "%s/proc/self/fd/%d", n ? ":" : "", fds[n]);
    n++;
    if (w < 0 || (size_t)w >= sizeof fdlist - len) { gb_fail(err, "rootfs", "fsconfig", "lowerdir (too many layers)", E2BIG); goto out; }
    len += (size_t)w;
  }
  if (n != n_lower) { gb_fail(err, "rootfs", "fsconfig", "lowerdir (too many layers)", E2BIG); goto out; }
  rc = fs_set(fsfd, "lowerdir", fdlist, err);
out:
  *nfds = n;
  return rc;
}

static int idmap_tree(int tree_fd, int userns_fd, unsigned int extra_flags, const char *path, struct gb_error *err) {
  struct mount_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = (uint64_t)userns_fd;
  if (syscall(SYS_mount_setattr, tree_fd, "", AT_EMPTY_PATH | extra_flags, &attr, sizeof attr) < 0)
    return gb_fail(err, "idmap", "mount_setattr", path, errno);
  return 0;
}

static int overlay_fd(const struct gb_spawn_plan *p, int userns_fd, struct gb_error *err) {
  size_t cap = 16;
  for (int i = 0; i < p->n_lower; i++) cap += strlen(p->idmap ? p->staging : p->lower[i]) + 16;
  char *lowerdir = calloc(1, cap);
  if (!lowerdir) return gb_fail(err, "rootfs", "calloc", "", ENOMEM);
  int attached = 0, fsfd = -1, mfd = -1, lower_fds[64], n_lower_fds = 0;
  char path[4096];

  for (int i = 0; i < p->n_lower; i++) {
    const char *dir = p->lower[i];
    if (p->idmap) {
      /* Layers are owned by host root; seen through the container's user ns they would be nobody.
         An idmapped bind of each layer makes host 0 read as the container's 0 (mount_setattr(2)). */
      snprintf(path, sizeof path, "%s/lower%d", p->staging, i);
      int tfd cleanup_close = (int)syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (tfd < 0) { gb_fail(err, "idmap", "open_tree", dir, errno); goto out; }
      if (idmap_tree(tfd, userns_fd, 0, dir, err) < 0) goto out;
      if (syscall(SYS_move_mount, tfd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
        gb_fail(err, "idmap", "move_mount", path, errno);
        goto out;
      }
      attached = i + 1;
      dir = path;
    }
    if (i) strcat(lowerdir, ":");
    strcat(lowerdir, dir);
  }
  fsfd = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fsfd < 0) { gb_fail(err, "rootfs", "fsopen", "overlay", errno); goto out; }
  if (set_lowerdir(fsfd, lowerdir, p->n_lower, lower_fds, &n_lower_fds, err) < 0 || fs_set(fsfd, "upperdir", p->upper, err) < 0 ||
      fs_set(fsfd, "workdir", p->work, err) < 0)
    goto out;
  if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    gb_fail(err, "rootfs", "fsconfig(create)", p->upper, errno);
    read_fs_log(fsfd, err->path, sizeof err->path);
    goto out;
  }
  mfd = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, 0);
  if (mfd < 0) gb_fail(err, "rootfs", "fsmount", "overlay", errno);

out:
  /* overlayfs holds private clones of its layers: the staging attachments can go at once */
  for (int i = 0; i < attached; i++) {
    snprintf(path, sizeof path, "%s/lower%d", p->staging, i);
    umount2(path, MNT_DETACH);
  }
  for (int i = 0; i < n_lower_fds; i++) close(lower_fds[i]);
  if (fsfd >= 0) close(fsfd);
  free(lowerdir);
  return mfd;
}

int gb_rootfs_fd(const struct gb_spawn_plan *p, pid_t pid, struct gb_error *err) {
  int userns_fd cleanup_close = -1;
  if (p->idmap) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
    userns_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (userns_fd < 0) return gb_fail(err, "idmap", "open", path, errno);
  }
  if (p->rootfs_kind == GB_ROOTFS_OVERLAY) return overlay_fd(p, userns_fd, err);
  int tfd = (int)syscall(SYS_open_tree, AT_FDCWD, p->bind_source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tfd < 0) return gb_fail(err, "rootfs", "open_tree", p->bind_source, errno);
  if (p->idmap && idmap_tree(tfd, userns_fd, AT_RECURSIVE, p->bind_source, err) < 0) {
    close(tfd);
    return -1;
  }
  return tfd;
}

/* ---- child: raw syscalls, no allocation ---------------------------------------------------- */

/* Resolve a path inside the new root without letting the image's symlinks point out of it. */
static int open_in_root(int root_fd, const char *rel, int flags) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
}

static void fd_path(char *buf, int fd) {
  /* "/proc/self/fd/N" without snprintf */
  const char *pre = "/proc/self/fd/";
  char tmp[12];
  int n = 0;
  while (*pre) *buf++ = *pre++;
  do { tmp[n++] = (char)('0' + fd % 10); fd /= 10; } while (fd);
  while (n) *buf++ = tmp[--n];
  *buf = 0;
}

/* mkdir -p (or create an empty file for the last part) of rel inside the root. */
static int make_in_root(int root_fd, const char *rel, int kind, struct gb_error *err) {
  char prefix[512];
  size_t len = strlen(rel);
  if (len >= sizeof prefix) return gb_fail(err, "mounts", "mkdir", rel, ENAMETOOLONG);
  for (size_t i = 0; i <= len; i++) {
    if (rel[i] != '/' && rel[i] != 0) continue;
    if (i == 0) continue;
    memcpy(prefix, rel, i);
    prefix[i] = 0;
    int last = rel[i] == 0;
    int fd = open_in_root(root_fd, prefix, O_PATH);
    if (fd >= 0) { close(fd); continue; }
    if (errno != ENOENT) return gb_fail(err, "mounts", "openat2", rel, errno);
    /* find the parent and create the missing part in it */
    size_t cut = i;
    while (cut > 0 && prefix[cut - 1] != '/') cut--;
    const char *base = prefix + cut;
    int pfd;
    if (cut == 0) pfd = open_in_root(root_fd, ".", O_PATH | O_DIRECTORY);
    else { prefix[cut - 1] = 0; pfd = open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY); }
    if (pfd < 0) return gb_fail(err, "mounts", "openat2", rel, errno);
    int r;
    if (last && kind == GB_MKDIR_FILE) {
      r = openat(pfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (r >= 0) close(r);
    } else {
      r = mkdirat(pfd, base, 0755);
    }
    int saved = errno;
    close(pfd);
    if (r < 0 && saved != EEXIST) return gb_fail(err, "mounts", last && kind == GB_MKDIR_FILE ? "open" : "mkdirat", rel, saved);
  }
  return 0;
}

/* Flags a user ns may not clear on remount (mount_namespaces(7): locked mounts) must be kept. */
static unsigned long locked_flags(const char *path) {
  struct statvfs s;
  unsigned long f = 0;
  if (statvfs(path, &s) < 0) return 0;
  if (s.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (s.f_flag & ST_NODEV) f |= MS_NODEV;
  if (s.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (s.f_flag & ST_RDONLY) f |= MS_RDONLY;
  return f;
}

static int remount_bind(const char *path, unsigned long flags, const char *rel, struct gb_error *err) {
  flags |= locked_flags(path);
  if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | (flags & ~(MS_BIND | MS_REC)), NULL) < 0)
    return gb_fail(err, "mounts", "mount(remount)", rel, errno);
  return 0;
}

static int do_op(int root_fd, const struct gb_mount_op *op, struct gb_error *err) {
  char path[32];
  if (op->kind == GB_OP_MKDIR) return make_in_root(root_fd, op->target, GB_MKDIR_DIR, err);
  if (op->kind == GB_OP_SYMLINK) {
    /* the parent is resolved in the root, so an image's symlinked directory cannot aim this at the host */
    char parent[512];
    const char *base = op->target;
    size_t len = strlen(op->target), cut = len;
    while (cut > 0 && op->target[cut - 1] != '/') cut--;
    if (cut >= sizeof parent) return gb_fail(err, "mounts", "symlinkat", op->target, ENAMETOOLONG);
    memcpy(parent, op->target, cut);
    parent[cut ? cut - 1 : 0] = 0;
    base = op->target + cut;
    int pfd cleanup_close = open_in_root(root_fd, cut ? parent : ".", O_PATH | O_DIRECTORY);
    if (pfd < 0) return gb_fail(err, "mounts", "openat2", op->target, errno);
    if (symlinkat(op->source, pfd, base) < 0 && errno != EEXIST)
      return gb_fail(err, "mounts", "symlinkat", op->target, errno);
    return 0;
  }
  if (op->mkdir && (op->kind == GB_OP_MOUNT || op->kind == GB_OP_BIND) &&
      make_in_root(root_fd, op->target, op->mkdir, err) < 0)
    return -1;
  int fd cleanup_close = open_in_root(root_fd, op->target, O_PATH);
  if (fd < 0) {
    if (errno == ENOENT && (op->kind == GB_OP_MASK || op->kind == GB_OP_READONLY)) return 0;
    return gb_fail(err, "mounts", "openat2", op->target, errno);
  }
  fd_path(path, fd);
  switch (op->kind) {
  case GB_OP_MOUNT:
    if (mount(op->source, path, op->fstype, op->flags, op->data) < 0)
      return gb_fail(err, "mounts", "mount", op->target, errno);
    break;
  case GB_OP_BIND:
    if (mount(op->source, path, NULL, MS_BIND | (op->flags & MS_REC), NULL) < 0)
      return gb_fail(err, "mounts", "mount(bind)", op->source, errno);
    if (op->flags & ~(MS_BIND | MS_REC)) {
      int fd2 cleanup_close = open_in_root(root_fd, op->target, O_PATH);
      if (fd2 < 0) return gb_fail(err, "mounts", "openat2", op->target, errno);
      fd_path(path, fd2);
      if (remount_bind(path, op->flags, op->target, err) < 0) return -1;
    }
    break;
  case GB_OP_MASK: {
    struct stat st;
    if (fstat(fd, &st) < 0) return gb_fail(err, "mounts", "fstat", op->target, errno);
    if (S_ISDIR(st.st_mode)) {
      if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555") < 0)
        return gb_fail(err, "mounts", "mount(mask)", op->target, errno);
    } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
      return gb_fail(err, "mounts", "mount(mask)", op->target, errno);
    }
    break;
  }
  case GB_OP_READONLY: {
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
      return gb_fail(err, "mounts", "mount(bind)", op->target, errno);
    int fd2 cleanup_close = open_in_root(root_fd, op->target, O_PATH);
    if (fd2 < 0) return gb_fail(err, "mounts", "openat2", op->target, errno);
    fd_path(path, fd2);
    if (remount_bind(path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, op->target, err) < 0) return -1;
    break;
  }
  default:
    return gb_fail(err, "mounts", "plan", op->target, EINVAL);
  }
  if (op->propagation && mount(NULL, path, NULL, op->propagation, NULL) < 0)
    return gb_fail(err, "mounts", "mount(propagation)", op->target, errno);
  return 0;
}

/* Attach the root the parent built, walk the plan's mounts inside it, pivot_root into it. */
int gb_setup_rootfs(const struct gb_spawn_plan *p, int rootfs_fd, struct gb_error *err) {
  if (!(p->clone_flags & CLONE_NEWNS)) return gb_fail(err, "mounts", "plan", "a mount namespace is required", EINVAL);
  /* Nothing we mount may propagate back to the host. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return gb_fail(err, "mounts", "mount(rprivate)", "/", errno);
  if (rootfs_fd < 0) return gb_fail(err, "rootfs", "recvmsg", "no root mount from the parent", EBADF);
  if (syscall(SYS_move_mount, rootfs_fd, "", AT_FDCWD, p->root_dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return gb_fail(err, "rootfs", "move_mount", p->root_dir, errno);
  close(rootfs_fd);
  int root_fd cleanup_close = open(p->root_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return gb_fail(err, "rootfs", "open", p->root_dir, errno);
  for (int i = 0; i < p->n_ops; i++)
    if (do_op(root_fd, &p->ops[i], err) < 0) return -1;
  if (p->root_readonly && remount_bind(p->root_dir, MS_RDONLY, "/", err) < 0) return -1;

  if (fchdir(root_fd) < 0) return gb_fail(err, "pivot_root", "fchdir", p->root_dir, errno);
  /* pivot_root(".", ".") stacks the old root under the new one; unmounting "." then drops it (pivot_root(2) NOTES). */
  if (syscall(SYS_pivot_root, ".", ".") < 0) {
    int saved = errno;
    gb_fail(err, "pivot_root", "pivot_root", p->root_dir, saved);
    if (saved == EINVAL) gb_strlcpy(err->syscall, "pivot_root (not a mount point?)", sizeof err->syscall);
    return -1;
  }
  if (umount2(".", MNT_DETACH) < 0) return gb_fail(err, "pivot_root", "umount2", "old root", errno);
  if (chdir("/") < 0) return gb_fail(err, "pivot_root", "chdir", "/", errno);
  return 0;
}
