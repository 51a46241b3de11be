// rootfs.ts - read a container's files from the host without following its symlinks out of it (openat2 RESOLVE_IN_ROOT).
import fs from 'node:fs';
import native, { toNativeError } from '../../native/index.ts';

const O_RDONLY = 0, O_NONBLOCK = 0o4000;

/** The container's root as the host reaches it: through its init's /proc entry (the overlay is mounted only in its namespace). */
export function rootOf(pid: number): string {
  return `/proc/${pid}/root`;
}

/**
 * Read at most maxBytes of `rel` inside the container's root. A learner's symlink such as /etc/x -> /etc/shadow
 * resolves inside the container; ".." stops at its root; /proc magic links are refused (ELOOP/EXDEV come back as errors).
 */
export function readFileInRoot(root: string, rel: string, maxBytes = 1 << 20): Buffer {
  let fd: number;
  try {
    fd = native.openInRoot(root, rel.replace(/^\/+/, '') || '.', O_RDONLY | O_NONBLOCK);
  } catch (e) {
    throw toNativeError(e);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`${rel} is not a regular file`);
    const buf = Buffer.alloc(Math.min(maxBytes, Math.max(st.size, 0) || maxBytes));
    let n = 0;
    while (n < buf.length) {
      const r = fs.readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** List a directory inside the container's root, resolved the same way. */
export function readdirInRoot(root: string, rel: string): fs.Dirent[] {
  let fd: number;
  try {
    fd = native.openInRoot(root, rel.replace(/^\/+/, '') || '.', O_RDONLY | 0o200000 /* O_DIRECTORY */);
  } catch (e) {
    throw toNativeError(e);
  }
  try {
    // our own descriptor's /proc/self/fd entry: the path was already resolved safely by openat2
    return fs.readdirSync(`/proc/self/fd/${fd}`, { withFileTypes: true });
  } finally {
    fs.closeSync(fd);
  }
}

