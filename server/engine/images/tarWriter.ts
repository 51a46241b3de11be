// tarWriter.ts - writes byte-for-byte reproducible tar archives (sorted, numeric owners, fixed mtime) so image digests are stable.
import { Header, Pax } from 'tar';

export type TarEntryType = 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice';

export interface TarEntry {
  /** Relative path inside the archive, no leading slash ("bin/busybox", "etc/"). */
  path: string;
  type: TarEntryType;
  /** Permission bits including setuid/setgid/sticky. */
  mode: number;
  uid?: number;
  gid?: number;
  data?: Buffer;
  /** Target of a symlink, or the archive path of a hardlink's target. */
  linkpath?: string;
  devmajor?: number;
  devminor?: number;
  /** Seconds since the epoch; 0 unless a test needs something else. */
  mtime?: number;
}

const BLOCK = 512;

function padTo512(buf: Buffer): Buffer[] {
  const rest = buf.length % BLOCK;
  return rest === 0 ? [buf] : [buf, Buffer.alloc(BLOCK - rest)];
}

function entryHeader(entry: TarEntry): Buffer[] {
  const isDir = entry.type === 'Directory';
  const entryPath = isDir && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const size = entry.type === 'File' ? (entry.data?.length ?? 0) : 0;
  const mtime = new Date((entry.mtime ?? 0) * 1000);
  const header = new Header({
    path: entryPath,
    type: entry.type,
    mode: entry.mode & 0o7777,
    uid: entry.uid ?? 0,
    gid: entry.gid ?? 0,
    size,
    mtime,
    linkpath: entry.linkpath,
    // Names are left empty on purpose: OCI runtimes use the numeric ids, and names would make the digest depend on the host.
    uname: '',
    gname: '',
    devmaj: entry.devmajor ?? 0,
    devmin: entry.devminor ?? 0,
  });
  const needPax = header.encode();
  const blocks: Buffer[] = [];
  if (needPax) {
    // Long paths or link targets go into a PAX extended header; only deterministic fields are set.
    blocks.push(new Pax({ path: entryPath, linkpath: entry.linkpath, mtime, size }).encode());
  }
  blocks.push(header.block as Buffer);
  return blocks;
}

/**
 * A tar archive of `entries` in the order given (callers sort), closed by the two zero blocks.
 * Parent directories are not invented: list them explicitly so their mode and owner are defined.
 */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(...entryHeader(entry));
    if (entry.type === 'File' && entry.data && entry.data.length > 0) parts.push(...padTo512(entry.data));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** Sorts entries by path the way `tar --sort=name` does, so a directory precedes its contents. */
export function sortEntries(entries: TarEntry[]): TarEntry[] {
  const key = (e: TarEntry) => e.path.replace(/\/+$/, '');
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
