// v1.ts - the cgroup v1 (legacy/hybrid) driver: one dir per controller hierarchy, <mount>/<parent>/<id>.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import {
  assertCgroupFs, checkId, checkLimits, memoryMatches, mkdirCgroup, parentName, parseKeyed, parseLimit, pidsIn,
  removeTree, sigkill, sleep, tryRead, verify, waitFor, writeCg, KILL_TIMEOUT_MS,
} from './common.ts';
import { findCgroupMounts, REQUIRED_V1 } from './probe.ts';
import type { CgroupDriver, CgroupLimits, CgroupStats, ContainerCgroup } from './types.ts';

export interface V1Options {
  /** Controller → mount point. Default: from /proc/self/mountinfo. */
  mounts?: Map<string, string>;
  /** Where the hierarchies are mounted, <root>/<controller>; used when `mounts` is not given (tests). */
  root?: string;
  /** Relative parent path; default $GLASSBOX_CGROUP_PARENT or `glassbox`. */
  parent?: string;
}

/** systemd's mapping (cgroup_cpu_weight_to_shares): the v2 default weight 100 is the v1 default 1024 shares. */
export const weightToShares = (weight: number) => Math.min(262144, Math.max(2, Math.floor((weight * 1024) / 100)));

export class CgroupV1Driver implements CgroupDriver {
  readonly version = 1 as const;
  readonly root: string;
  readonly parent: string;
  /** The controllers a container gets: the required ones, plus freezer (for killAll) when mounted. */
  readonly mounts: Map<string, string>;
  /** Does the memory controller have memsw files (swap accounting, fixed at boot)? Asked once. */
  private memsw?: boolean;

  constructor(options: V1Options = {}) {
    this.parent = parentName(options.parent);
    const found = options.mounts ?? (options.root ? undefined : findCgroupMounts().v1);
    const mountOf = (c: string) => (found ? found.get(c) : path.join(options.root!, c));
    this.mounts = new Map();
    for (const controller of [...REQUIRED_V1, 'freezer']) {
      const mount = mountOf(controller);
      if (mount === undefined || (controller === 'freezer' && !fs.existsSync(mount))) {
        if (controller === 'freezer') continue;
        throw new UserError(`no cgroup v1 hierarchy has the ${controller} controller`, 'run `glassbox doctor` to see which cgroup hierarchies this host mounts');
      }
      assertCgroupFs(mount, 1);
      this.mounts.set(controller, mount);
    }
    this.root = options.root ?? path.dirname(this.mounts.get('memory')!);
  }

  private dirsFor(id: string): Map<string, string> {
    return new Map([...this.mounts].map(([controller, mount]) => [controller, path.join(mount, this.parent, id)]));
  }

  paths(id: string): { dirs: string[]; procsFiles: string[] } {
    checkId(id);
    const dirs = [...new Set(this.dirsFor(id).values())];
    return { dirs, procsFiles: dirs.map((d) => path.join(d, 'cgroup.procs')) };
  }

  create(id: string, limits: CgroupLimits): ContainerCgroup {
    checkId(id);
    checkLimits(limits);
    const dirs = this.dirsFor(id);
    const created: string[] = [];
    try {
      for (const [controller, dir] of dirs) {
        if (created.includes(dir)) continue;
        try {
          fs.mkdirSync(dir);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EEXIST') throw new UserError(`cgroup ${dir} already exists`, 'a crashed run left it: reconcile adopts or disposes it');
          if (code !== 'ENOENT') throw e;
          // The parent is made on first use (and again after removeParent): not on every create, where its
          // mkdir would fail with EEXIST, and a thrown error costs more than the mkdir.
          mkdirCgroup(this.mounts.get(controller)!, this.parent, 1);
          fs.mkdirSync(dir);
        }
        created.push(dir);
        assertCgroupFs(dir, 1);
      }
      this.applyLimits(dirs, limits);
    } catch (e) {
      for (const dir of created) fs.rmdirSync(dir);
      throw e;
    }
    return new V1Cgroup(id, dirs);
  }

  adopt(id: string): ContainerCgroup | null {
    checkId(id);
    const dirs = this.dirsFor(id);
    if (!fs.existsSync(dirs.get('memory')!)) return null;
    for (const dir of dirs.values()) if (fs.existsSync(dir)) assertCgroupFs(dir, 1);
    return new V1Cgroup(id, dirs);
  }

  list(): string[] {
    const ids = new Set<string>();
    for (const mount of new Set(this.mounts.values())) {
      const dir = path.join(mount, this.parent);
      if (!fs.existsSync(dir)) continue;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) ids.add(e.name);
    }
    return [...ids].sort();
  }

  /** Remove the parent cgroup(s) in every hierarchy, if no container is left in them (tests, uninstall). */
  async removeParent(): Promise<void> {
    const segments = this.parent.split('/');
    for (const mount of new Set(this.mounts.values())) {
      for (let i = segments.length; i > 0; i--) {
        const dir = path.join(mount, ...segments.slice(0, i));
        if (fs.existsSync(dir) && fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory())) break;
        await removeTree([dir]);
      }
    }
  }

  /** Write each limit, then read it back, for every container: a limit the kernel did not keep must not pass silently. */
  private applyLimits(dirs: Map<string, string>, limits: CgroupLimits): void {
    const set = (controller: string, file: string, value: string, ok?: (raw: string) => boolean) => {
      const full = path.join(dirs.get(controller)!, file);
      writeCg(full, value);
      verify(full, value, ok);
    };
    const memory = dirs.get('memory')!;
    if (limits.memoryMax !== undefined) {
      // Stored in pages: reads back rounded down to a page boundary.
      set('memory', 'memory.limit_in_bytes', String(limits.memoryMax), (raw) => memoryMatches(limits.memoryMax!, raw));
      // memory+swap = memory: no swap, so the OOM killer comes at memoryMax (as on v2 with memory.swap.max=0).
      // Written after limit_in_bytes because the kernel requires memsw >= limit. Absent without swap accounting.
      if ((this.memsw ??= fs.existsSync(path.join(memory, 'memory.memsw.limit_in_bytes')))) {
        set('memory', 'memory.memsw.limit_in_bytes', String(limits.memoryMax), (raw) => memoryMatches(limits.memoryMax!, raw));
      }
    }
    // v1 has neither memory.high nor memory.low; the soft limit is the nearest to both (reclaimed towards under global
    // pressure only): a reservation (memoryLow, as runc and crun map it) if there is one, else memoryHigh.
    const soft = limits.memoryLow ?? limits.memoryHigh;
    if (soft !== undefined) set('memory', 'memory.soft_limit_in_bytes', String(soft), (raw) => memoryMatches(soft, raw));
    if (limits.pidsMax !== undefined) set('pids', 'pids.max', String(limits.pidsMax));
    if (limits.cpuPeriodUs !== undefined || limits.cpuQuotaUs !== undefined) {
      set('cpu', 'cpu.cfs_period_us', String(limits.cpuPeriodUs ?? 100000));
      set('cpu', 'cpu.cfs_quota_us', String(limits.cpuQuotaUs ?? -1));
    }
    if (limits.cpuWeight !== undefined) set('cpu', 'cpu.shares', String(weightToShares(limits.cpuWeight)));
  }
}

class V1Cgroup implements ContainerCgroup {
  readonly version = 1 as const;
  readonly dirs: string[];
  readonly procsFiles: string[];
  private disposed?: Promise<void>;

  constructor(
    readonly id: string,
    private readonly controllerDirs: Map<string, string>,
  ) {
    this.dirs = [...new Set(controllerDirs.values())];
    this.procsFiles = this.dirs.map((d) => path.join(d, 'cgroup.procs'));
  }

  openDirFd(): number {
    throw new Error('openDirFd: cgroup v1 has no CLONE_INTO_CGROUP; write the pid to each of procsFiles instead');
  }

  pids(): number[] {
    return pidsIn(this.dirs);
  }

  stats(): CgroupStats {
    const files: Record<string, string> = {};
    const read = (controller: string, name: string) => {
      const dir = this.controllerDirs.get(controller);
      const raw = dir ? tryRead(path.join(dir, name)) : null;
      if (raw !== null) files[`${controller}/${name}`] = raw;
      return raw ?? '';
    };
    const oomControl = parseKeyed(read('memory', 'memory.oom_control'));
    const cpuStat = parseKeyed(read('cpu', 'cpu.stat'));
    for (const f of ['memory.max_usage_in_bytes', 'memory.soft_limit_in_bytes', 'memory.memsw.limit_in_bytes']) read('memory', f);
    for (const f of ['cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cpu.shares']) read('cpu', f);
    read('freezer', 'freezer.state');
    read('pids', 'pids.events');
    return {
      version: 1,
      memoryCurrent: Number(read('memory', 'memory.usage_in_bytes')) || 0,
      memoryMax: parseLimit(read('memory', 'memory.limit_in_bytes') || 'max'),
      // v1 counts OOM kills but not OOM events; failcnt (times usage hit the limit) is v2's "max" event.
      memoryEvents: { oom: oomControl.oom_kill ?? 0, oomKill: oomControl.oom_kill ?? 0, max: Number(read('memory', 'memory.failcnt')) || 0 },
      pidsCurrent: Number(read('pids', 'pids.current')) || 0,
      pidsMax: parseLimit(read('pids', 'pids.max') || 'max'),
      cpuUsageUsec: Math.floor((Number(read('cpuacct', 'cpuacct.usage')) || 0) / 1000),
      nrPeriods: cpuStat.nr_periods ?? 0,
      nrThrottled: cpuStat.nr_throttled ?? 0,
      throttledUsec: Math.floor((cpuStat.throttled_time ?? 0) / 1000),
      files,
    };
  }

  /** Freeze (so nothing forks between listing and killing), SIGKILL every pid, thaw so the kills land; repeat until empty. */
  async killAll(): Promise<void> {
    const freezer = this.controllerDirs.get('freezer');
    const state = freezer && fs.existsSync(freezer) ? path.join(freezer, 'freezer.state') : null;
    const deadline = Date.now() + KILL_TIMEOUT_MS;
    while (this.pids().length > 0) {
      if (Date.now() > deadline) throw new Error(`timed out after ${KILL_TIMEOUT_MS} ms: cgroup ${this.id} still holds pids ${this.pids().join(' ')}`);
      if (state) {
        writeCg(state, 'FROZEN');
        // FREEZING until every task stops; a task in uninterruptible sleep may hold it there, so do not wait forever.
        await waitFor(() => tryRead(state) !== 'FREEZING', () => '', 500).catch(() => undefined);
      }
      sigkill(this.pids());
      if (state) writeCg(state, 'THAWED');
      await sleep(10);
    }
  }

  dispose(): Promise<void> {
    // A failed dispose may be retried; a successful one is remembered.
    this.disposed ??= (async () => {
      await this.killAll();
      await removeTree(this.dirs);
    })().catch((e) => {
      this.disposed = undefined;
      throw e;
    });
    return this.disposed;
  }
}
