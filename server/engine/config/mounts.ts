// mounts.ts - OCI mount options → the flags, propagation and data string of mount(2), with the kernel's MS_* numbers.

import { UserError } from '../errors.ts';

/** mount(2) flags, from linux/mount.h. */
export const MS = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  REMOUNT: 32,
  MANDLOCK: 64,
  DIRSYNC: 128,
  NOSYMFOLLOW: 256,
  NOATIME: 1024,
  NODIRATIME: 2048,
  BIND: 4096,
  MOVE: 8192,
  REC: 16384,
  SILENT: 32768,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  STRICTATIME: 1 << 24,
  LAZYTIME: 1 << 25,
} as const;

/** Options that set or clear a flag; the "clear" ones exist so a later option can undo an earlier one (ro,rw). */
const flagOptions: Record<string, { set?: number; clear?: number }> = {
  ro: { set: MS.RDONLY },
  rw: { clear: MS.RDONLY },
  nosuid: { set: MS.NOSUID },
  suid: { clear: MS.NOSUID },
  nodev: { set: MS.NODEV },
  dev: { clear: MS.NODEV },
  noexec: { set: MS.NOEXEC },
  exec: { clear: MS.NOEXEC },
  sync: { set: MS.SYNCHRONOUS },
  async: { clear: MS.SYNCHRONOUS },
  dirsync: { set: MS.DIRSYNC },
  nosymfollow: { set: MS.NOSYMFOLLOW },
  noatime: { set: MS.NOATIME },
  atime: { clear: MS.NOATIME },
  nodiratime: { set: MS.NODIRATIME },
  diratime: { clear: MS.NODIRATIME },
  relatime: { set: MS.RELATIME },
  norelatime: { clear: MS.RELATIME },
  strictatime: { set: MS.STRICTATIME },
  nostrictatime: { clear: MS.STRICTATIME },
  lazytime: { set: MS.LAZYTIME },
  bind: { set: MS.BIND },
  rbind: { set: MS.BIND | MS.REC },
};

/** Propagation changes need their own mount(2) call after the mount itself (see mount_namespaces(7)). */
const propagationOptions: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

/** Options passed to the filesystem as its data string, with the shape of their value. */
const dataOptions: Record<string, RegExp | null> = {
  mode: /^[0-7]{3,4}$/,
  ptmxmode: /^[0-7]{3,4}$/,
  size: /^\d+[kmg%]?$/i,
  nr_inodes: /^\d+[kmg]?$/i,
  uid: /^\d+$/,
  gid: /^\d+$/,
  newinstance: null,
};

/** Why an option is not accepted, or null when it is. */
export function checkMountOption(option: string): string | null {
  if (option in flagOptions || option in propagationOptions) return null;
  const eq = option.indexOf('=');
  const key = eq < 0 ? option : option.slice(0, eq);
  if (!(key in dataOptions)) return `"${option}" is not a mount option glassbox supports`;
  const shape = dataOptions[key];
  if (shape === null) return eq < 0 ? null : `"${key}" takes no value`;
  if (eq < 0 || !shape.test(option.slice(eq + 1))) return `"${option}" has a malformed value`;
  return null;
}

export function isBindMount(m: { type?: string; options?: string[] }): boolean {
  return m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');
}

/** ["nosuid","rbind","rprivate","mode=755"] → { flags: MS_NOSUID|MS_BIND|MS_REC, propagation: MS_PRIVATE|MS_REC, data: "mode=755" }. */
export function mountFlags(options: string[]): { flags: number; propagation: number; data: string } {
  let flags = 0;
  let propagation = 0;
  const data: string[] = [];
  for (const option of options) {
    const problem = checkMountOption(option);
    if (problem) throw new UserError(`mount option ${problem}`);
    const flag = flagOptions[option];
    if (flag) {
      if (flag.set) flags |= flag.set;
      if (flag.clear) flags &= ~flag.clear;
    } else if (option in propagationOptions) {
      propagation = propagationOptions[option]; // the last one wins, as in runc
    } else {
      data.push(option);
    }
  }
  return { flags, propagation, data: data.join(',') };
}
