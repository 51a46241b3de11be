// reconcile.ts - on start, find what a crashed run left (processes, mounts, cgroups, dirs, uid ranges) and remove it.
import fs from 'node:fs';
import path from 'node:path';
import native from '../../native/index.ts';
import { cgroupDriver } from './cgroups/index.ts';
import { destroyContainer, MNT_DETACH, mountsUnder } from './cleanup.ts';
import { runRoot } from './paths.ts';
import { isAlive, listStateDirs, readState } from './state.ts';
import { listSlots, releaseSlot } from './userns.ts';

export interface ReconcileReport { removed: string[]; kept: string[]; problems: string[] }

/** A container is kept only while the process that owns it (and can reap it) is alive. */
export async function reconcile(opts: { onProgress?: (msg: string) => void } = {}): Promise<ReconcileReport> {
  const report: ReconcileReport = { removed: [], kept: [], problems: [] };
  const say = opts.onProgress ?? (() => {});
  const known = new Set<string>();
  for (const dir of listStateDirs()) {
    const id = path.basename(dir);
    known.add(id);
    const state = readState(dir);
    if (state && state.ownerPid !== process.pid && isAlive(state.ownerPid, state.ownerStartTime)) {
      report.kept.push(id);
      continue;
    }
    // A container that exited cleanly is kept (as docker keeps them) until `glassbox rm`; its processes are gone.
    if (state && state.status === 'stopped' && state.exit && !isAlive(state.pid, state.pidStartTime)) {
      report.kept.push(id);
      continue;
    }
    if (state && state.ownerPid === process.pid) {
      report.kept.push(id);
      continue;
    }
    say(`removing container ${state?.name ?? id} left by a previous run`);
    try {
      await destroyContainer(state ?? emptyState(id, dir));
      report.removed.push(id);
    } catch (e) {
      report.problems.push((e as Error).message);
    }
  }
  // cgroups without a state dir (a crash between cgroup creation and the first state write cannot happen, but a deleted dir can)
  try {
    const driver = cgroupDriver();
    for (const id of driver.list()) {
      if (known.has(id) && !report.removed.includes(id)) continue;
      const cg = driver.adopt(id);
      if (!cg) continue;
      say(`removing cgroup ${id}`);
      try { await cg.dispose(); report.removed.push(`cgroup:${id}`); } catch (e) { report.problems.push((e as Error).message); }
    }
  } catch (e) {
    report.problems.push((e as Error).message);
  }
  // mounts under runRoot whose container is gone
  for (const m of mountsUnder(runRoot)) {
    const id = path.relative(runRoot, m).split('/')[0];
    if (report.kept.includes(id)) continue;
    try { native.umount(m, MNT_DETACH); report.removed.push(`mount:${m}`); } catch (e) { report.problems.push((e as Error).message); }
  }
  for (const { slot, owner } of listSlots()) {
    if (!fs.existsSync(path.join(runRoot, owner))) releaseSlot(slot, owner);
  }
  return report;
}

function emptyState(id: string, dir: string) {
  return {
    id, name: id, status: 'stopped' as const, pid: 0, pidStartTime: 0, ownerPid: 0, ownerStartTime: 0, created: '', image: null, bundle: null,
    dir, rootDir: path.join(dir, 'merged'), upperDir: null, workDir: null, rwMount: null, lowerDirs: [], layers: [], idmap: false,
    uidBase: null, usernsSlot: null, cgroup: { version: 2 as const, dirs: [], procsFiles: [] }, seccomp: { profile: '', file: null },
    process: { args: [], env: [], cwd: '/', uid: 0, gid: 0, groups: [], terminal: false },
    caps: { effective: '', permitted: '', inheritable: '', bounding: '', ambient: '' }, noNewPrivileges: true, namespaces: [],
    hostname: null, net: 'none' as const, netAddress: null, exit: null,
  };
}
