// userns.ts - host uid/gid ranges for user namespaces: one 65536-wide slot per container (or per learner), never shared by accident.
import fs from 'node:fs';
import path from 'node:path';
import { runRoot } from './paths.ts';
import { UserError } from './errors.ts';

/** Slots start well above any real user (and above /etc/subuid's usual 100000+ ranges). */
export const SLOT_BASE = 0x2000_0000;
export const SLOT_SIZE = 65536;
export const SLOT_COUNT = 4096;

/** Runtime state beside the containers (a tmpfs); listStateDirs skips the dot-name. */
const slotDir = () => path.join(runRoot, '.userns');

export function slotBase(slot: number): number {
  return SLOT_BASE + slot * SLOT_SIZE;
}

/** Claim a free slot for `owner` (a container id); O_EXCL makes two processes never get the same one. */
let nextHint = 0;
let dirReady = false;
export function claimSlot(owner: string, wanted?: number): number {
  if (!dirReady) {
    fs.mkdirSync(slotDir(), { recursive: true, mode: 0o700 });
    dirReady = true;
  }
  // start after the last slot this process took: with many live containers, no scan from 0 each time
  // (counted, not an Array.from of 4096 slots: building that cost ~0.15 ms on every container start)
  const tries = wanted !== undefined ? 1 : SLOT_COUNT;
  for (let i = 0; i < tries; i++) {
    const slot = wanted !== undefined ? wanted : (nextHint + i) % SLOT_COUNT;
    try {
      fs.writeFileSync(path.join(slotDir(), String(slot)), owner, { flag: 'wx' });
      if (wanted === undefined) nextHint = (slot + 1) % SLOT_COUNT;
      return slot;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && dirReady) {
        dirReady = false; // the state root was removed under us (tests do): make it again
        return claimSlot(owner, wanted);
      }
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (wanted !== undefined && slotOwner(slot) === owner) return slot;
    }
  }
  throw new UserError(wanted !== undefined ? `user namespace slot ${wanted} is taken` : 'no free user namespace range (4096 containers?)');
}

export function slotOwner(slot: number): string | null {
  try {
    return fs.readFileSync(path.join(slotDir(), String(slot)), 'utf8');
  } catch {
    return null;
  }
}

export function releaseSlot(slot: number, owner: string): void {
  if (slotOwner(slot) === owner) fs.rmSync(path.join(slotDir(), String(slot)), { force: true });
}

export function listSlots(): Array<{ slot: number; owner: string }> {
  try {
    return fs.readdirSync(slotDir()).filter((n) => /^\d+$/.test(n)).map((n) => ({ slot: Number(n), owner: slotOwner(Number(n)) ?? '' }));
  } catch {
    return [];
  }
}

/** "containerID hostID size" lines for /proc/<pid>/uid_map. */
export function idMap(base: number): string {
  return `0 ${base} ${SLOT_SIZE}\n`;
}
