// overlay.ts - the overlay panel: the image layers and a live tree of the upper dir, a full snapshot then deltas driven by inotify.
import fs from 'node:fs';
import type { Container } from '../engine/container.ts';
import type { OverlayEntry, OverlayPanel } from '../../app/lib/protocol.ts';
import { LowerIndex, listDir, openUpperDir } from './upper.ts';
import type { Emit, PanelWatch } from './index.ts';

/** Bounds: entries shown, directories watched (inotify watches are a per-user kernel resource), depth. */
export const MAX_ENTRIES = 5000;
export const MAX_WATCHED_DIRS = 1000;
const MAX_DEPTH = 64;
/** A write is usually several events (create, modify, close): gather them, then rescan once. */
export const DEBOUNCE_MS = 20;
/** A learner's `yes > /f` modifies without pause: at most 10 deltas a second then. */
const MIN_GAP_MS = 100;

const isUnder = (p: string, dir: string) => dir === '' || p === dir || p.startsWith(`${dir}/`);
const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

export function watchOverlay(container: Container, emit: Emit): PanelWatch {
  const upperDir = container.upperDir;
  const base = { containerId: container.id, layers: container.state.layers.map((l) => ({ digest: l.digest })), upperDir: upperDir ?? '' };
  if (!upperDir) {
    // a bundle's rootfs is bind-mounted: there is no upper dir to show
    emit('panel:overlay', { ...base, mode: 'full', entries: [], removed: [] });
    return { dispose() {} };
  }
  const lower = new LowerIndex(container.state.lowerDirs);
  const entries = new Map<string, OverlayEntry>();
  const watchers = new Map<string, { w: fs.FSWatcher; ino: number }>();
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let truncated = false;
  let disposed = false;
  let lastFlush = 0;

  const unwatch = (rel: string) => {
    for (const [d, { w }] of watchers) if (isUnder(d, rel)) { w.close(); watchers.delete(d); }
  };
  const watchDir = (rel: string, ino: number) => {
    const had = watchers.get(rel);
    if (had?.ino === ino) return;
    if (had) { had.w.close(); watchers.delete(rel); }
    if (watchers.size >= MAX_WATCHED_DIRS) { truncated = true; return; }
    let fd: number;
    try {
      fd = openUpperDir(upperDir, rel);
    } catch {
      return; // gone, or swapped for a symlink: the parent's rescan sees what it is now
    }
    try {
      // through our own descriptor: the watch lands on the directory we opened safely, not on a symlink's target
      const w = fs.watch(`/proc/self/fd/${fd}`, { persistent: false }, () => markDirty(rel));
      w.on('error', () => { w.close(); if (watchers.get(rel)?.w === w) watchers.delete(rel); });
      watchers.set(rel, { w, ino });
    } catch { /* ENOSPC: out of inotify watches; the panel says truncated */
      truncated = true;
    } finally {
      fs.closeSync(fd);
    }
  };

  /** Read `rel` and everything below it into `out`, watching each directory. */
  const scan = (rel: string, depth: number, out: Map<string, OverlayEntry>) => {
    const listing = listDir(upperDir, rel, lower, MAX_ENTRIES - out.size);
    if (!listing) return;
    if (listing.truncated) truncated = true;
    watchDir(rel, listing.ino);
    for (const e of listing.entries) {
      if (out.size >= MAX_ENTRIES) { truncated = true; return; }
      out.set(e.path, e);
      if (e.type === 'dir') {
        if (depth < MAX_DEPTH) scan(e.path, depth + 1, out);
        else truncated = true;
      }
    }
  };

  const full = () => {
    entries.clear();
    truncated = false;
    scan('', 0, entries);
    const msg: OverlayPanel = { ...base, mode: 'full', entries: [...entries.values()], removed: [] };
    if (truncated) msg.truncated = true;
    emit('panel:overlay', msg);
  };

  /** Rescan the dirty directories: their children, and the whole subtree of any child directory that is new or replaced. */
  const flush = () => {
    timer = null;
    if (disposed) return;
    lastFlush = Date.now();
    // every dirty directory, parents first: a rescan reads a directory's children, not its whole subtree
    const dirs = [...dirty].sort();
    dirty.clear();
    const changed: OverlayEntry[] = [];
    const removed: string[] = [];
    const wasTruncated = truncated;
    for (const rel of dirs) {
      const now = new Map<string, OverlayEntry>();
      const listing = listDir(upperDir, rel, lower, MAX_ENTRIES);
      if (!listing) continue; // the directory itself went away: its parent's event reports that
      watchDir(rel, listing.ino);
      const depth = rel ? rel.split('/').length : 0;
      for (const e of listing.entries) {
        now.set(e.path, e);
        const before = entries.get(e.path);
        if (e.type === 'dir' && (before?.type !== 'dir' || !watchers.has(e.path))) {
          if (before) dropUnder(e.path, removed, true); // replaced (a whiteout became an opaque dir): forget its old subtree
          const sub = new Map<string, OverlayEntry>();
          if (depth + 1 < MAX_DEPTH) scan(e.path, depth + 1, sub);
          for (const s of sub.values()) if (add(s)) changed.push(s);
        }
        if (add(e)) changed.push(e);
      }
      // children that are gone, with everything below them
      for (const p of [...entries.keys()]) {
        if (parentOf(p) === rel && !now.has(p)) dropUnder(p, removed, false);
      }
    }
    const msg: OverlayPanel = { ...base, mode: 'delta', entries: changed, removed: removed.filter((p) => !entries.has(p)) };
    if (truncated) msg.truncated = true;
    if (changed.length || msg.removed.length || truncated !== wasTruncated) emit('panel:overlay', msg);
  };

  /** Store an entry; true when it is new or differs from what the browser has. */
  const add = (e: OverlayEntry): boolean => {
    const before = entries.get(e.path);
    if (before && before.kind === e.kind && before.type === e.type && before.size === e.size) return false;
    if (!before && entries.size >= MAX_ENTRIES) { truncated = true; return false; }
    entries.set(e.path, e);
    return true;
  };
  const dropUnder = (p: string, removed: string[], keepSelf: boolean) => {
    for (const q of [...entries.keys()]) {
      if (!isUnder(q, p) || (keepSelf && q === p)) continue;
      entries.delete(q);
      removed.push(q);
    }
    unwatch(p);
  };

  const markDirty = (rel: string) => {
    if (disposed) return;
    dirty.add(rel);
    timer ??= setTimeout(flush, Math.max(DEBOUNCE_MS, MIN_GAP_MS - (Date.now() - lastFlush)));
  };

  full();
  return {
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      for (const { w } of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
