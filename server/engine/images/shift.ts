// shift.ts - uid/gid-shifted copies of unpacked layers, for kernels or filesystems where idmapped mounts are unavailable.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { layerStore } from '../paths.ts';
import { renameIntoPlace, tempSibling } from './store.ts';
import type { ImageLayer } from './store.ts';

const maxId = 0xffff_fffe; // (uid_t)-1 means "no change" to chown(2), so it is never a real owner

function shiftedDir(layer: ImageLayer, uidBase: number, gidBase: number): string {
  return path.join(layerStore, 'shifted', `${uidBase}-${gidBase}`, layer.digest.slice('sha256:'.length));
}

/** lchown every entry by +uidBase/+gidBase, then put the mode back: chown(2) clears setuid/setgid on files. */
function shiftTree(root: string, uidBase: number, gidBase: number): void {
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    for (const name of fs.readdirSync(dir)) stack.push(...shiftEntry(path.join(dir, name), uidBase, gidBase, seen));
  }
  shiftEntry(root, uidBase, gidBase, seen);
}

function shiftEntry(file: string, uidBase: number, gidBase: number, seen: Set<number>): string[] {
  const st = fs.lstatSync(file);
  // A hardlinked inode is reached once per name; shift it only the first time.
  if (st.nlink > 1 && !st.isDirectory()) {
    if (seen.has(st.ino)) return [];
    seen.add(st.ino);
  }
  const uid = st.uid + uidBase;
  const gid = st.gid + gidBase;
  if (uid > maxId || gid > maxId) throw new UserError(`shifting ${file} to ${uid}:${gid} overflows the id range`);
  fs.lchownSync(file, uid, gid);
  // Symlink modes are meaningless on Linux and chmod would follow the link.
  if (!st.isSymbolicLink()) fs.chmodSync(file, st.mode & 0o7777);
  return st.isDirectory() ? [file] : [];
}

const shifting = new Map<string, Promise<string>>();

/**
 * A copy of `layer.dir` whose owners are shifted by +uidBase/+gidBase, as the container's user namespace maps them.
 * Cached at layerStore/shifted/<uidBase>-<gidBase>/<hex>/; built in a temp dir and renamed, so never half done.
 */
export function shiftedLayerDir(layer: ImageLayer, uidBase: number, gidBase: number): Promise<string> {
  for (const [what, v] of [['uidBase', uidBase], ['gidBase', gidBase]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > maxId) throw new UserError(`${what} ${v} is not a valid id`);
  }
  const finalDir = shiftedDir(layer, uidBase, gidBase);
  if (fs.existsSync(finalDir)) return Promise.resolve(finalDir);
  const pending = shifting.get(finalDir);
  if (pending) return pending;
  const work = (async () => {
    if (!fs.existsSync(layer.dir)) throw new UserError(`layer ${layer.digest} is not unpacked at ${layer.dir}`);
    fs.mkdirSync(path.dirname(finalDir), { recursive: true });
    const tempDir = tempSibling(finalDir);
    try {
      // cp -a keeps the whiteout char devices, hardlinks and the trusted.overlay.opaque xattr (we run as root).
      execFileSync('cp', ['-a', '--reflink=auto', '--', layer.dir, tempDir], { stdio: ['ignore', 'ignore', 'pipe'] });
      shiftTree(tempDir, uidBase, gidBase);
      renameIntoPlace(tempDir, finalDir);
      return finalDir;
    } catch (err) {
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    } finally {
      shifting.delete(finalDir);
    }
  })();
  shifting.set(finalDir, work);
  return work;
}
