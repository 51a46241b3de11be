// unpack.ts - unpacks one layer blob into a directory overlayfs can use as a lower dir (OCI whiteouts → overlay whiteouts).
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import * as tar from 'tar';
import { UserError } from '../errors.ts';

// https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts
const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';

interface EntryRecord { rel: string; type: string; mode: number; mtime?: Date }
interface SymlinkRecord { target: string; uid: number; gid: number }

// node-tar rewrites symlink targets that are absolute or climb above the extraction dir; in an image they are
// resolved inside the container's root, so they are legitimate. Extraction writes this harmless target first;
// the real one is put back at the end, when nothing else is extracted (so nothing is ever written through it).
const pendingTarget = '.glassbox-symlink-pending';

/** The archive path without "./" or leading slashes; node-tar refuses "..", this is for our own bookkeeping. */
function cleanRel(p: string): string {
  return path.posix.normalize(p.replace(/^(\.\/)+/, '').replace(/^\/+/, '')).replace(/\/+$/, '');
}

/**
 * The directory `rel` under `root`, created if missing, refusing any component that is a symlink or escapes:
 * a layer could plant `a -> /etc` and then `a/.wh.passwd`, and mknod must not follow it.
 */
function safeDir(root: string, rel: string): string {
  let current = root;
  for (const part of rel.split('/').filter((p) => p !== '' && p !== '.')) {
    if (part === '..') throw new UserError(`layer entry ${rel} leaves the layer`);
    current = path.join(current, part);
    let st: fs.Stats | undefined;
    try { st = fs.lstatSync(current); } catch { st = undefined; }
    if (!st) fs.mkdirSync(current, { mode: 0o755 });
    else if (!st.isDirectory()) throw new UserError(`layer entry ${rel} passes through ${part}, which is not a directory`);
  }
  return current;
}

function setOpaque(dir: string): void {
  // overlayfs reads trusted.overlay.opaque=y: https://docs.kernel.org/filesystems/overlayfs.html#whiteouts-and-opaque-directories
  execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', dir]);
}

function makeWhiteout(file: string): void {
  // An overlay whiteout is a character device 0/0; overlayfs then hides the lower file of that name.
  execFileSync('mknod', [file, 'c', '0', '0']);
}

/** A pass-through stream that hashes what flows through it (the uncompressed tar, for the diff_id). */
function hashTap(hash: crypto.Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) { hash.update(chunk); done(null, chunk); },
  });
}

export interface UnpackResult { diffId: string; files: number; skipped: string[] }

/**
 * Extracts `blobFile` (gzip or plain tar) into `targetDir` (which must exist and be empty), keeping numeric owners,
 * modes (setuid included), symlinks, hardlinks and mtimes; returns the sha256 of the uncompressed tar.
 */
export async function unpackLayerBlob(blobFile: string, compression: 'gzip' | 'none', targetDir: string, onWarn: (msg: string) => void): Promise<UnpackResult> {
  const records: EntryRecord[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  const skipped: string[] = [];
  const symlinks = new Map<string, SymlinkRecord>();
  const hash = crypto.createHash('sha256');

  const unpacker = tar.x({
    cwd: targetDir,
    preserveOwner: true,
    // Apply the archive's modes exactly; the process umask must not leak into images.
    chmod: true,
    processUmask: 0,
    // Keep node-tar's protections on: no absolute paths, no "..", no writing through symlinks.
    preservePaths: false,
    strict: false,
    filter: (entryPath, entry) => {
      const rel = cleanRel(entryPath);
      const base = path.posix.basename(rel);
      const type = 'type' in entry ? String(entry.type) : '';
      if (base === opaqueMarker) { opaqueDirs.push(path.posix.dirname(rel)); return false; }
      if (base.startsWith(whiteoutPrefix)) { whiteouts.push(rel); return false; }
      if (type === 'CharacterDevice' || type === 'BlockDevice' || type === 'FIFO') {
        skipped.push(rel);
        onWarn(`skipped ${type} ${rel} (containers get /dev from the engine)`);
        return false;
      }
      if (!(entry instanceof tar.ReadEntry)) return false;
      // A later entry of the same name replaces an earlier symlink, as in any tar.
      symlinks.delete(rel);
      if (type === 'SymbolicLink' && entry.linkpath) {
        symlinks.set(rel, { target: entry.linkpath, uid: entry.uid ?? 0, gid: entry.gid ?? 0 });
        entry.linkpath = pendingTarget;
      } else if (type === 'Link' && entry.linkpath) {
        // A hardlink to a symlink would keep pointing at the placeholder inode; make it a symlink of its own.
        const linked = symlinks.get(cleanRel(entry.linkpath));
        if (linked) symlinks.set(rel, linked);
      }
      records.push({ rel, type, mode: (entry.mode ?? 0) & 0o7777, mtime: entry.mtime });
      return true;
    },
    onwarn: (code, message) => {
      skipped.push(message);
      onWarn(`layer entry refused: ${message} (${code})`);
    },
  });

  try {
    const source = fs.createReadStream(blobFile);
    if (compression === 'gzip') await pipeline(source, zlib.createGunzip(), hashTap(hash), unpacker);
    else await pipeline(source, hashTap(hash), unpacker);
  } catch (err) {
    throw new UserError(`layer ${path.basename(blobFile)} could not be unpacked: ${(err as Error).message}`);
  }

  for (const dir of opaqueDirs) setOpaque(safeDir(targetDir, dir));
  for (const rel of whiteouts) {
    const name = path.posix.basename(rel).slice(whiteoutPrefix.length);
    if (name === '' || name === '.' || name === '..') throw new UserError(`layer entry ${rel} is a malformed whiteout`);
    const file = path.join(safeDir(targetDir, path.posix.dirname(rel)), name);
    // The same layer may re-add the name it whites out; then its own entry already hides the lower one.
    if (fs.existsSync(file) || isSymlink(file)) continue;
    makeWhiteout(file);
  }
  restoreSymlinkTargets(targetDir, symlinks, onWarn);
  restoreModesAndTimes(targetDir, records);
  return { diffId: `sha256:${hash.digest('hex')}`, files: records.length, skipped };
}

function isSymlink(file: string): boolean {
  try { return fs.lstatSync(file).isSymbolicLink(); } catch { return false; }
}

/** Whether the parent directory of `file` resolves to a place inside `realRoot` (no planted symlink on the way). */
function parentInside(realRoot: string, file: string): boolean {
  let parent: string;
  try { parent = fs.realpathSync(path.dirname(file)); } catch { return false; }
  return parent === realRoot || parent.startsWith(`${realRoot}/`);
}

/** Replaces each placeholder symlink by the archive's own target, verbatim, with the archive's owner. */
function restoreSymlinkTargets(root: string, symlinks: Map<string, SymlinkRecord>, onWarn: (msg: string) => void): void {
  const realRoot = fs.realpathSync(root);
  for (const [rel, link] of symlinks) {
    const file = path.join(root, rel);
    if (!parentInside(realRoot, file)) { onWarn(`symlink ${rel} skipped: its directory is outside the layer`); continue; }
    let st: fs.Stats | undefined;
    try { st = fs.lstatSync(file); } catch { st = undefined; }
    if (st && !st.isSymbolicLink()) { onWarn(`symlink ${rel} skipped: a later entry made it a ${st.isDirectory() ? 'directory' : 'file'}`); continue; }
    if (st) fs.unlinkSync(file);
    fs.symlinkSync(link.target, file);
    fs.lchownSync(file, link.uid, link.gid);
  }
}

/**
 * Second pass: chown(2) clears setuid/setgid (node-tar chowns files not owned by root after writing them), node-tar
 * adds u+rwx to directories, and creating children (and whiteouts) moved directory mtimes. Deepest entries first,
 * so a parent's mtime is set last.
 */
function restoreModesAndTimes(root: string, records: EntryRecord[]): void {
  const realRoot = fs.realpathSync(root);
  const sorted = [...records].sort((a, b) => b.rel.split('/').length - a.rel.split('/').length);
  for (const rec of sorted) {
    if (rec.rel === '' || rec.rel === '.') continue;
    const file = path.join(root, rec.rel);
    let st: fs.Stats;
    try { st = fs.lstatSync(file); } catch { continue; }
    // Only touch entries whose parent really is inside the layer (never follow a planted symlink).
    if (!parentInside(realRoot, file)) continue;
    if (!st.isSymbolicLink() && rec.type !== 'Link' && (st.mode & 0o7777) !== rec.mode) fs.chmodSync(file, rec.mode);
    if (rec.mtime) fs.lutimesSync(file, rec.mtime, rec.mtime);
  }
}
