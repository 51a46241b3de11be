// cleanup.ts - removes every trace of a container from its state alone: used by delete, `glassbox rm` and reconcile.
import fs from 'node:fs';
import native from '../../native/index.ts';
import { cgroupDriver, type ContainerCgroup } from './cgroups/index.ts';
import type { ContainerState } from './state.ts';
import { isAlive } from './state.ts';
import { releaseSlot } from './userns.ts';

/** umount2(2) MNT_DETACH */
export const MNT_DETACH = 2;

/** Mount points at or below dir, deepest first (from /proc/self/mountinfo, octal escapes decoded). */
export function mountsUnder(dir: string): string[] {
  const text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const p = mp.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
    if (p === dir || p.startsWith(dir + '/')) out.push(p);
  }
  return out.sort((a, b) => b.length - a.length);
}

function unmountAll(dir: string): void {
  for (let round = 0; round < 5; round++) {
    const mounts = mountsUnder(dir);
    if (!mounts.length) return;
    for (const m of mounts) {
      try { native.umount(m, MNT_DETACH); } catch { /* raced or already gone */ }
    }
  }
  const left = mountsUnder(dir);
  if (left.length) throw new Error(`cannot unmount ${left.join(', ')}`);
}

async function waitGone(pid: number, startTime: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid, startTime)) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return !isAlive(pid, startTime);
}

/** Kill, unmount, remove the cgroup, the directory and the uid range. Idempotent; safe on a half-created container. */
export async function destroyContainer(state: ContainerState, cgroup?: ContainerCgroup | null): Promise<void> {
  const problems: string[] = [];
  if (state.pid && isAlive(state.pid, state.pidStartTime)) {
    try { process.kill(state.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  let cg = cgroup ?? null;
  if (!cg) {
    try { cg = cgroupDriver().adopt(state.id); } catch { cg = null; }
  }
  if (cg) {
    try { await cg.killAll(); } catch (e) { problems.push((e as Error).message); }
  }
  if (state.pid) await waitGone(state.pid, state.pidStartTime, 5000);
  try { unmountAll(state.dir); } catch (e) { problems.push((e as Error).message); }
  if (cg) {
    try { await cg.dispose(); } catch (e) { problems.push((e as Error).message); }
  }
  // Only once nothing is mounted below it: rm -r must never walk into a mount.
  if (!mountsUnder(state.dir).length) fs.rmSync(state.dir, { recursive: true, force: true });
  if (state.usernsSlot !== null) releaseSlot(state.usernsSlot, state.id);
  if (problems.length) throw new Error(`container ${state.name}: ${problems.join('; ')}`);
}

