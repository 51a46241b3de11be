// v2.ts - the cgroup v2 (unified hierarchy) driver: one leaf per container under <root>/<parent>/<id>.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import {
  assertCgroupFs, checkId, checkLimits, memoryMatches, mkdirCgroup, ownCgroups, parentName, parseKeyed, parseLimit,
  pidsIn, readRaw, removeTree, sigkill, tryRead, verify, waitFor, writeCg,
} from './common.ts';
import { REQUIRED_V2 } from './probe.ts';
import type { CgroupDriver, CgroupLimits, CgroupStats, ContainerCgroup } from './types.ts';

export interface V2Options {
  /** The cgroup2 mount point; default /sys/fs/cgroup. Tests point it at a fake to see it refused. */
  root?: string;
  /** Relative parent path; default $GLASSBOX_CGROUP_PARENT or `glassbox`. */
  parent?: string;
}

export class CgroupV2Driver implements CgroupDriver {
  readonly version = 2 as const;
  readonly root: string;
  readonly parent: string;
  readonly parentDir: string;

  constructor(options: V2Options = {}) {
    this.root = options.root ?? '/sys/fs/cgroup';
    this.parent = parentName(options.parent);
    assertCgroupFs(this.root, 2);
    this.parentDir = path.join(this.root, this.parent);
  }

  create(id: string, limits: CgroupLimits): ContainerCgroup {
    checkId(id);
    checkLimits(limits);
    this.prepareParent();
    const dir = path.join(this.parentDir, id);
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      throw new UserError(`cgroup ${dir} already exists`, 'a crashed run left it: reconcile adopts or disposes it');
    }
    try {
      assertCgroupFs(dir, 2);
      applyLimits(dir, limits);
    } catch (e) {
      fs.rmdirSync(dir);
      throw e;
    }
    return new V2Cgroup(id, dir);
  }

  paths(id: string): { dirs: string[]; procsFiles: string[] } {
    checkId(id);
    const dir = path.join(this.parentDir, id);
    return { dirs: [dir], procsFiles: [path.join(dir, 'cgroup.procs')] };
  }

  adopt(id: string): ContainerCgroup | null {
    checkId(id);
    const dir = path.join(this.parentDir, id);
    if (!fs.existsSync(dir)) return null;
    assertCgroupFs(dir, 2);
    return new V2Cgroup(id, dir);
  }

  list(): string[] {
    if (!fs.existsSync(this.parentDir)) return [];
    return fs.readdirSync(this.parentDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }

  /** Remove the parent cgroup(s) this driver made, if no container is left in them (tests, uninstall). */
  async removeParent(): Promise<void> {
    const segments = this.parent.split('/');
    for (let i = segments.length; i > 0; i--) {
      const dir = path.join(this.root, ...segments.slice(0, i));
      if (fs.existsSync(dir) && fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory())) return;
      await removeTree([dir]);
    }
  }

  /**
   * Create the parent and hand memory, pids, cpu (and io) down to it: each ancestor from the root to the parent must
   * list them in cgroup.subtree_control. A non-root cgroup can do that only while it holds no processes
   * (the "no internal processes" rule, Documentation/admin-guide/cgroup-v2.rst).
   */
  private prepareParent(): void {
    const available = readRaw(path.join(this.root, 'cgroup.controllers')).split(' ');
    const missing = REQUIRED_V2.filter((c) => !available.includes(c));
    if (missing.length > 0) {
      throw new UserError(`cgroup v2 at ${this.root} lacks the ${missing.join(', ')} controller(s)`, 'boot with a kernel that has them enabled; `glassbox doctor` shows what is there');
    }
    const wanted = [...REQUIRED_V2, ...(available.includes('io') ? ['io'] : [])];
    // Enable before each mkdir, so that a refusal leaves no half-made parent behind.
    let dir = this.root;
    this.enableControllers(dir, wanted);
    for (const segment of this.parent.split('/')) {
      mkdirCgroup(dir, segment, 2);
      dir = path.join(dir, segment);
      this.enableControllers(dir, wanted);
    }
  }

  private enableControllers(dir: string, wanted: string[]): void {
    const enabled = readRaw(path.join(dir, 'cgroup.subtree_control')).split(' ');
    for (const controller of wanted.filter((c) => !enabled.includes(c))) {
      try {
        writeCg(path.join(dir, 'cgroup.subtree_control'), `+${controller}`);
      } catch (e) {
        const procs = dir === this.root ? '' : (tryRead(path.join(dir, 'cgroup.procs')) ?? '');
        if (procs === '') throw e;
        throw noInternalProcesses(this.root, dir, controller, procs.split('\n').length);
      }
    }
  }
}

/** Explain why a cgroup with processes cannot pass controllers down, and what to do when it is our own. */
function noInternalProcesses(root: string, dir: string, controller: string, count: number): UserError {
  const own = path.join(root, ownCgroups().get('') ?? '/');
  const ours = own === dir || own.startsWith(`${dir}/`);
  return new UserError(
    `cannot enable the ${controller} controller in ${dir}: it holds ${count} process(es), and in cgroup v2 only a cgroup ` +
      `without processes can give controllers to its children${ours ? ` (this server itself runs in ${own})` : ''}`,
    ours
      ? 'move the server into a child cgroup first, or set GLASSBOX_CGROUP_PARENT outside its cgroup; ' +
          'on systemd hosts run it as a service with Delegate=yes so that the service owns its subtree'
      : `set GLASSBOX_CGROUP_PARENT to a cgroup that holds no processes (now: ${path.relative(root, dir)} is in the way)`,
  );
}

/** Write each limit, then read it back: a limit the kernel did not keep must not pass silently. */
function applyLimits(dir: string, limits: CgroupLimits): void {
  const set = (file: string, value: string, ok?: (raw: string) => boolean) => {
    writeCg(path.join(dir, file), value);
    verify(path.join(dir, file), value, ok);
  };
  if (limits.memoryMax !== undefined) {
    set('memory.max', String(limits.memoryMax), (raw) => memoryMatches(limits.memoryMax!, raw));
    // No swap, so that memoryMax is where the OOM killer comes, as the lesson says (absent without swap accounting).
    if (fs.existsSync(path.join(dir, 'memory.swap.max'))) set('memory.swap.max', '0');
  }
  if (limits.memoryHigh !== undefined) set('memory.high', String(limits.memoryHigh), (raw) => memoryMatches(limits.memoryHigh!, raw));
  if (limits.memoryLow !== undefined) set('memory.low', String(limits.memoryLow), (raw) => memoryMatches(limits.memoryLow!, raw));
  if (limits.pidsMax !== undefined) set('pids.max', String(limits.pidsMax));
  if (limits.cpuQuotaUs !== undefined || limits.cpuPeriodUs !== undefined) {
    set('cpu.max', `${limits.cpuQuotaUs ?? 'max'} ${limits.cpuPeriodUs ?? 100000}`);
  }
  if (limits.cpuWeight !== undefined) set('cpu.weight', String(limits.cpuWeight));
}

class V2Cgroup implements ContainerCgroup {
  readonly version = 2 as const;
  readonly dirs: string[];
  readonly procsFiles: string[];
  private disposed?: Promise<void>;

  constructor(
    readonly id: string,
    private readonly dir: string,
  ) {
    this.dirs = [dir];
    this.procsFiles = [path.join(dir, 'cgroup.procs')];
  }

  openDirFd(): number {
    return fs.openSync(this.dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  }

  pids(): number[] {
    return pidsIn(this.dirs);
  }

  stats(): CgroupStats {
    const files: Record<string, string> = {};
    const read = (name: string) => {
      const raw = tryRead(path.join(this.dir, name));
      if (raw !== null) files[name] = raw;
      return raw ?? '';
    };
    const events = parseKeyed(read('memory.events'));
    const cpuStat = parseKeyed(read('cpu.stat'));
    read('memory.high');
    read('memory.low');
    read('cpu.max');
    read('cpu.weight');
    read('memory.peak');
    read('pids.events');
    return {
      version: 2,
      memoryCurrent: Number(read('memory.current')) || 0,
      memoryMax: parseLimit(read('memory.max') || 'max'),
      memoryEvents: { oom: events.oom ?? 0, oomKill: events.oom_kill ?? 0, max: events.max ?? 0, high: events.high ?? 0 },
      pidsCurrent: Number(read('pids.current')) || 0,
      pidsMax: parseLimit(read('pids.max') || 'max'),
      cpuUsageUsec: cpuStat.usage_usec ?? 0,
      nrPeriods: cpuStat.nr_periods ?? 0,
      nrThrottled: cpuStat.nr_throttled ?? 0,
      throttledUsec: cpuStat.throttled_usec ?? 0,
      files,
    };
  }

  /** cgroup.kill (5.14+) kills the whole subtree at once, forks included; older kernels: freeze, kill, thaw, repeat. */
  async killAll(): Promise<void> {
    if (!fs.existsSync(this.dir)) return;
    const kill = path.join(this.dir, 'cgroup.kill');
    if (fs.existsSync(kill)) {
      writeCg(kill, '1');
    } else {
      // A frozen task cannot fork, and a fatal signal still reaches it (v2 freezer), so one round usually suffices.
      writeCg(path.join(this.dir, 'cgroup.freeze'), '1');
      sigkill(this.pids());
      writeCg(path.join(this.dir, 'cgroup.freeze'), '0');
    }
    await waitFor(
      () => {
        const left = this.pids();
        if (left.length > 0 && !fs.existsSync(kill)) sigkill(left);
        return left.length === 0 && /^populated 0$/m.test(tryRead(path.join(this.dir, 'cgroup.events')) ?? 'populated 0');
      },
      () => `cgroup ${this.dir} still holds pids ${this.pids().join(' ')}`,
    );
  }

  dispose(): Promise<void> {
    // A failed dispose may be retried; a successful one is remembered.
    this.disposed ??= (async () => {
      await this.killAll();
      await removeTree([this.dir]);
    })().catch((e) => {
      this.disposed = undefined;
      throw e;
    });
    return this.disposed;
  }
}
