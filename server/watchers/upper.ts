// upper.ts - reads an overlay upper dir safely (never through a learner's symlink) and classifies each entry: new, copied-up, whiteout, opaque.
import fs from 'node:fs';
import path from 'node:path';
import native from '../../native/index.ts';
import type { OverlayEntry } from '../../app/lib/protocol.ts';

const O_RDONLY = 0, O_NOFOLLOW = 0o400000, O_DIRECTORY = 0o200000;
/** overlayfs marks a directory that hides the lower ones' content (Documentation/filesystems/overlayfs.rst "whiteouts and opaque directories"). */
const OPAQUE_XATTRS = ['trusted.overlay.opaque', 'user.overlay.opaque'];

/**
 * A directory of the upper dir, opened with openat2(RESOLVE_IN_ROOT) and O_NOFOLLOW: a learner who swaps a directory
 * for a symlink to / between our lstat and our open gets an error, never a listing of the host.
 */
export function openUpperDir(upperDir: string, rel: string): number {
  return native.openInRoot(upperDir, rel || '.', O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
}

/** Whether a path exists in the image below (the lower layers, top first), as overlayfs would look it up. */
export class LowerIndex {
  private cache = new Map<string, fs.Stats | null>();
  constructor(private readonly lowerDirs: string[]) {}

  private lstat(file: string): fs.Stats | null {
    let st = this.cache.get(file);
    if (st === undefined) {
      if (this.cache.size > 50_000) this.cache.clear();
      st = fs.lstatSync(file, { throwIfNoEntry: false }) ?? null;
      this.cache.set(file, st);
    }
    return st;
  }

  /** Layers are trusted image content, yet their symlinks are not followed: overlayfs does not follow them either. */
  has(rel: string): boolean {
    const parts = rel.split('/');
    for (const lower of this.lowerDirs) {
      let ok = true;
      for (let i = 1; i < parts.length && ok; i++) ok = !!this.lstat(path.join(lower, ...parts.slice(0, i)))?.isDirectory();
      const st = ok ? this.lstat(path.join(lower, rel)) : null;
      if (!st) continue;
      return !(st.isCharacterDevice() && st.rdev === 0); // a whiteout in a higher layer hides the lower ones
    }
    return false;
  }
}

/** One upper-dir entry, named by its parent's descriptor (so the parent cannot be swapped under us). */
export function classify(parentFd: number, name: string, rel: string, lower: LowerIndex): OverlayEntry | null {
  const at = `/proc/self/fd/${parentFd}/${name}`;
  const st = fs.lstatSync(at, { throwIfNoEntry: false });
  if (!st) return null;
  const type: OverlayEntry['type'] = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  let kind: OverlayEntry['kind'];
  if (st.isCharacterDevice() && st.rdev === 0) kind = 'whiteout';
  else if (st.isDirectory() && isOpaque(at)) kind = 'opaque';
  else kind = lower.has(rel) ? 'copied-up' : 'new';
  return { path: rel, kind, type, size: type === 'dir' ? 0 : st.size };
}

function isOpaque(at: string): boolean {
  for (const name of OPAQUE_XATTRS) {
    try {
      if (native.lgetxattr(at, name)?.toString() === 'y') return true;
    } catch { /* EPERM etc.: not marked as far as we can tell */ }
  }
  return false;
}

/** The entries directly in `rel` (relative paths), with the inode of rel itself; null when rel is gone or not a directory. */
export function listDir(upperDir: string, rel: string, lower: LowerIndex, max: number): { ino: number; entries: OverlayEntry[]; truncated: boolean } | null {
  let fd: number;
  try {
    fd = openUpperDir(upperDir, rel);
  } catch {
    return null;
  }
  try {
    const ino = fs.fstatSync(fd).ino;
    const names = fs.readdirSync(`/proc/self/fd/${fd}`);
    const entries: OverlayEntry[] = [];
    let truncated = false;
    for (const name of names.sort()) {
      if (entries.length >= max) { truncated = true; break; }
      const e = classify(fd, name, rel ? `${rel}/${name}` : name, lower);
      if (e) entries.push(e);
    }
    return { ino, entries, truncated };
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
