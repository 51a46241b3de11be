// probe.ts - finds which cgroup hierarchies this host mounts (unified, hybrid, legacy) and which driver can use them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CGROUP2_SUPER_MAGIC, CGROUP_SUPER_MAGIC, fsType, ownCgroups, tryRead } from './common.ts';
import type { CgroupProbe } from './types.ts';

/** Controllers each driver needs; io (v2) and freezer (v1) are used when present. */
export const REQUIRED_V2 = ['memory', 'pids', 'cpu'];
export const REQUIRED_V1 = ['memory', 'pids', 'cpu', 'cpuacct'];

export interface CgroupMounts {
  /** cgroup2 mount points, verified by statfs. */
  v2: string[];
  /** v1 controller → its hierarchy's mount point (co-mounted controllers share one), verified by statfs. */
  v1: Map<string, string>;
  /** Mounts whose root is not the hierarchy's root (a container's view): paths there are not what they seem. */
  subtreeMounts: string[];
}

/** mountinfo escapes space, tab, newline and backslash as octal (proc(5)). */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Parse /proc/self/mountinfo for cgroup mounts; trust each only after checking its statfs magic. */
export function findCgroupMounts(mountinfo = tryRead('/proc/self/mountinfo') ?? ''): CgroupMounts {
  const mounts: CgroupMounts = { v2: [], v1: new Map(), subtreeMounts: [] };
  const known = new Set((tryRead('/proc/cgroups') ?? '').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')[0]));
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const fields = left.split(' ');
    const [fstype, , superOptions = ''] = right.split(' ');
    const root = unescape(fields[3]);
    const mountPoint = unescape(fields[4]);
    if (fstype === 'cgroup2' && fsType(mountPoint) === CGROUP2_SUPER_MAGIC) {
      if (!mounts.v2.includes(mountPoint)) mounts.v2.push(mountPoint);
    } else if (fstype === 'cgroup' && fsType(mountPoint) === CGROUP_SUPER_MAGIC) {
      for (const option of superOptions.split(',')) {
        if (known.has(option) && !mounts.v1.has(option)) mounts.v1.set(option, mountPoint);
      }
    } else continue;
    if (root !== '/') mounts.subtreeMounts.push(mountPoint);
  }
  return mounts;
}

/** What `glassbox doctor` prints, and what cgroupDriver() decides from. */
export function probeCgroups(mounts: CgroupMounts = findCgroupMounts()): CgroupProbe {
  const notes: string[] = [];
  const own = ownCgroups();
  const hasV1 = [...mounts.v1.keys()].length > 0;
  // The v2 mount that best serves us: the one holding the most controllers (hybrid hosts mount an empty one).
  const v2 = mounts.v2
    .map((mountPoint) => ({ mountPoint, controllers: (tryRead(path.join(mountPoint, 'cgroup.controllers')) ?? '').split(' ').filter(Boolean) }))
    .sort((a, b) => b.controllers.length - a.controllers.length)[0];
  const mode: CgroupProbe['mode'] = !hasV1 ? (v2 ? 'unified' : 'none') : v2 ? 'hybrid' : 'legacy';
  for (const m of mounts.subtreeMounts) notes.push(`${m} shows only a subtree of its hierarchy (a cgroup namespace or bind mount)`);

  const v2Missing = v2 ? REQUIRED_V2.filter((c) => !v2.controllers.includes(c)) : REQUIRED_V2;
  if (v2 && v2Missing.length === 0) {
    const cg = own.get('') ?? '/';
    if (cg !== '/') {
      notes.push(
        `this process is in the non-root cgroup ${cg}; containers go under ${v2.mountPoint}/<parent> ` +
          '(on systemd hosts run the server as a service with Delegate=yes, or set GLASSBOX_CGROUP_PARENT below a cgroup without processes)',
      );
    }
    notes.push(hasCgroupKill(v2.mountPoint) ? 'cgroup.kill available' : 'no cgroup.kill (kernel < 5.14): killAll freezes, then kills');
    if (!v2.controllers.includes('io')) notes.push('io controller not available: no block I/O accounting');
    return { version: 2, mode, mountPoint: v2.mountPoint, controllers: v2.controllers, missing: [], notes };
  }
  if (v2) {
    const has = v2.controllers.length ? `only ${v2.controllers.join(' ')}` : 'no controllers';
    notes.push(`cgroup2 at ${v2.mountPoint} lacks ${v2Missing.join(', ')} (it has ${has}${hasV1 ? ': the others are bound to v1 hierarchies' : ''})`);
  }

  const v1Controllers = [...mounts.v1.keys()].sort();
  const v1Missing = REQUIRED_V1.filter((c) => !mounts.v1.has(c));
  const memoryMount = mounts.v1.get('memory');
  const v1Root = memoryMount ? path.dirname(memoryMount) : hasV1 ? path.dirname([...mounts.v1.values()][0]) : '/sys/fs/cgroup';
  if (hasV1 && v1Missing.length === 0) {
    notes.push(...v1Notes(mounts, own));
    return { version: 1, mode, mountPoint: v1Root, controllers: v1Controllers, missing: [], notes };
  }
  // Nothing usable: report the hierarchy the host is built around, and what it lacks.
  if (mode === 'unified' || (mode === 'none' && !hasV1)) {
    return { version: null, mode, mountPoint: v2?.mountPoint ?? '/sys/fs/cgroup', controllers: v2?.controllers ?? [], missing: v2Missing, notes };
  }
  return { version: null, mode, mountPoint: v1Root, controllers: v1Controllers, missing: v1Missing, notes };
}

/** cgroup.kill lives in non-root cgroups only: look at any child, else go by the kernel version (5.14 added it). */
function hasCgroupKill(mountPoint: string): boolean {
  const child = fs.readdirSync(mountPoint, { withFileTypes: true }).find((e) => e.isDirectory());
  if (child) return fs.existsSync(path.join(mountPoint, child.name, 'cgroup.kill'));
  const [major, minor] = os.release().split('.').map(Number);
  return major > 5 || (major === 5 && minor >= 14);
}

/** What a learner should know about a v1 host: swap accounting, the OOM-kill counter, where this process sits. */
function v1Notes(mounts: CgroupMounts, own: Map<string, string>): string[] {
  const notes: string[] = [];
  const memory = mounts.v1.get('memory')!;
  notes.push(
    fs.existsSync(path.join(memory, 'memory.memsw.limit_in_bytes'))
      ? 'memory.memsw.* present: swap is limited together with memory'
      : 'memory.memsw.* absent (swap accounting off): a container may swap past memoryMax',
  );
  const oomControl = tryRead(path.join(memory, 'memory.oom_control')) ?? '';
  notes.push(/^oom_kill /m.test(oomControl) ? 'memory.oom_control counts oom_kill' : 'memory.oom_control has no oom_kill counter (kernel < 4.13)');
  const ownMemory = own.get('memory');
  if (ownMemory && ownMemory !== '/') notes.push(`this process is in memory:${ownMemory}; containers go under the controller roots, not there`);
  if (!mounts.v1.has('freezer')) notes.push('no freezer hierarchy: killAll kills without freezing first');
  if (mounts.v1.get('cpu') === mounts.v1.get('cpuacct')) notes.push(`cpu and cpuacct are co-mounted at ${mounts.v1.get('cpu')}`);
  return notes;
}
