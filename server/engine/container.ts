// container.ts - one container's life: create (clone + set-up, stopped before exec), start, exec, kill, delete.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn as spawnProcess, type ChildProcess, type StdioOptions } from 'node:child_process';
import native, { toNativeError } from '../../native/index.ts';
import { cgroupDriver, type CgroupLimits, type ContainerCgroup } from './cgroups/index.ts';
import { capMask, type OciConfig } from './config/index.ts';
import { UserError } from './errors.ts';
import type { ResolvedImage } from './images/index.ts';
import { shiftedLayerDir } from './images/index.ts';
import { nativeOut, runRoot, stateRoot } from './paths.ts';
import { buildPlan, namespaceSet, RLIMITS } from './plan.ts';
import { loadProfile, permissions, toOci, validateOciSeccomp, compile } from './seccomp/index.ts';
import { containerDir, isAlive, processStartTime, readState, writeState, type ContainerState } from './state.ts';
import { claimSlot, idMap, slotBase } from './userns.ts';
import { destroyContainer } from './cleanup.ts';
import { idmapSupported } from './idmap.ts';
import { attachLabNetwork } from './network.ts';

export interface CreateOptions {
  config: OciConfig;
  /** Overlay root from an image's layers... */
  image?: ResolvedImage;
  /** ...or a bundle's rootfs directory, bind-mounted. */
  rootfsDir?: string;
  bundle?: string;
  name?: string;
  /** Used when config.linux.seccomp is absent: default, strict, unconfined or a Docker profile file. */
  seccomp?: string;
  /** Named lesson permissions (seccomp/index.ts `permissions`). */
  allow?: string[];
  stdio?: [number, number, number];
  /** Only trusted callers (the CLI run by root) may bind host paths. */
  allowHostBinds?: boolean;
  upperSize?: number;
  upperInodes?: number;
  net?: 'none' | 'lab';
  usernsSlot?: number;
  /** Exec the container's init as soon as it is set up: create and start in one step, one round trip fewer than
   *  create() then start(). Ignored with the lab network, which is attached between the two. */
  startNow?: boolean;
}

export interface ExitInfo { code: number; signal: number; oomKilled: boolean }

let initFd: number | undefined;
/** glassbox-init, sealed in memory once per process (CVE-2019-5736). */
function sealedInit(): number {
  if (initFd === undefined) {
    const file = path.join(nativeOut, 'glassbox-init');
    if (!fs.existsSync(file)) throw new UserError(`${file} is missing`, 'run the set-up (scripts/setup.sh) to build native/');
    initFd = native.sealedExecutable(file);
  }
  return initFd;
}

/** This server's own start time (the owner check of state.json), read once. */
let ownStart: number | undefined;
const ownStartTime = () => (ownStart ??= processStartTime(process.pid) ?? 0);

const TMPFS_MAGIC = 0x01021994;
let runRootReady = false;
/** Once per process: runRoot exists and a container's root (a mapped uid) can walk down to its merged dir. */
function prepareRunRoot(userns: boolean): void {
  if (runRootReady) return;
  fs.mkdirSync(runRoot, { recursive: true, mode: 0o711 });
  if (!process.env.GLASSBOX_ROOT && !process.env.GLASSBOX_RUN && fs.statfsSync(runRoot).type !== TMPFS_MAGIC) {
    try {
      native.mountTmpfs(runRoot, 'size=64m,nr_inodes=262144,mode=0711');
    } catch (e) {
      throw toNativeError(e);
    }
  }
  fs.chmodSync(runRoot, 0o711);
  if (userns) {
    checkSearchable(runRoot);
    runRootReady = true;
  }
}

/** The container's root is an unprivileged host uid: it must be able to walk down to its merged dir. */
function checkSearchable(dir: string): void {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if (!(mode & 0o001)) {
      throw new UserError(`${d} is not searchable by other users (mode ${(mode & 0o777).toString(8)}): containers in a user namespace must reach their root below it`,
        `chmod o+x ${d}, or set GLASSBOX_ROOT to a directory whose parents are`);
    }
  }
}

function limitsOf(config: OciConfig): CgroupLimits {
  const r = config.linux?.resources;
  const limits: CgroupLimits = {};
  if (r?.memory?.limit !== undefined && r.memory.limit > 0) limits.memoryMax = r.memory.limit;
  // OCI's reservation is memory.low on v2 and the soft limit on v1 (runc, crun).
  if (r?.memory?.reservation !== undefined && r.memory.reservation > 0) limits.memoryLow = r.memory.reservation;
  if (r?.pids?.limit !== undefined && r.pids.limit > 0) limits.pidsMax = r.pids.limit;
  if (r?.cpu?.quota !== undefined && r.cpu.quota > 0) {
    limits.cpuQuotaUs = r.cpu.quota;
    limits.cpuPeriodUs = r.cpu.period ?? 100_000;
  }
  if (r?.cpu?.shares !== undefined) limits.cpuWeight = Math.max(1, Math.min(10000, Math.round((r.cpu.shares * 100) / 1024)));
  return limits;
}

function hexMask(names: string[] | undefined): string {
  return capMask(names ?? []).toString(16).padStart(16, '0');
}

/** glassbox-enter loads the same filter from a file: one per distinct filter, by content, written once. */
const bpfFiles = new Map<string, string>();
/** The digest of a cached filter (seccompFor shares one Buffer between containers): hashed once, not per create. */
const bpfDigests = new WeakMap<Buffer, string>();
function bpfFile(bpf: Buffer): string {
  let sha = bpfDigests.get(bpf);
  if (!sha) bpfDigests.set(bpf, (sha = crypto.createHash('sha256').update(bpf).digest('hex')));
  let file = bpfFiles.get(sha);
  if (file && fs.existsSync(file)) return file;
  file = path.join(stateRoot, 'seccomp', `${sha}.bpf`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, bpf, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  bpfFiles.set(sha, file);
  return file;
}

/** A bundle's config.json can carry glassbox's own settings as org.glassbox.* annotations; explicit options win. */
function withAnnotations(opts: CreateOptions): CreateOptions {
  const a = opts.config.annotations ?? {};
  const allow = a['org.glassbox.allow'];
  const net = a['org.glassbox.net'];
  return {
    ...opts,
    name: opts.name ?? a['org.glassbox.name'],
    net: opts.net ?? (net === 'lab' || net === 'none' ? net : undefined),
    seccomp: opts.seccomp ?? a['org.glassbox.seccomp'],
    allow: opts.allow ?? (allow ? allow.split(',').filter(Boolean) : undefined),
  };
}

/** A lesson permission may need a capability too (seccomp/index.ts `permissions`); it goes to this container only. */
function withPermissionCaps(config: OciConfig, allow: string[]): OciConfig {
  const extra = allow.flatMap((name) => permissions[name]?.caps ?? []);
  if (!extra.length) return config;
  const caps = config.process.capabilities ?? {};
  const add = (set: string[] | undefined) => [...new Set([...(set ?? []), ...extra])];
  return {
    ...config,
    process: { ...config.process, capabilities: { ...caps, bounding: add(caps.bounding), effective: add(caps.effective), permitted: add(caps.permitted) } },
  };
}

/** Compiling a profile costs milliseconds; containers with the same profile, caps and permissions share one BPF. */
const bpfCache = new Map<string, Buffer>();
function seccompFor(config: OciConfig, opts: CreateOptions): { profile: string; bpf?: Buffer } {
  if (config.linux?.seccomp !== undefined) return { profile: 'config.json', bpf: compile(validateOciSeccomp(config.linux.seccomp)) };
  const profile = opts.seccomp ?? 'default';
  const bounding = config.process.capabilities?.bounding ?? [];
  const key = JSON.stringify([profile, bounding, opts.allow ?? []]);
  let bpf = bpfCache.get(key);
  if (!bpf) {
    const docker = loadProfile(profile);
    if (!docker) return { profile };
    bpf = compile(toOci(docker, bounding, { allow: opts.allow }));
    if (profile === 'default' || profile === 'strict') bpfCache.set(key, bpf);
  }
  return { profile, bpf };
}

export class Container {
  readonly id: string;
  state: ContainerState;
  private pidfd = -1;
  private syncFd = -1;
  private exitPromise: Promise<ExitInfo> | null = null;
  private cgroup: ContainerCgroup | null;

  private constructor(state: ContainerState, cgroup: ContainerCgroup | null) {
    this.id = state.id;
    this.state = state;
    this.cgroup = cgroup;
  }

  get pid(): number { return this.state.pid; }
  get status(): ContainerState['status'] { return this.state.status; }
  get upperDir(): string | null { return this.state.upperDir; }
  /** The container's root as the host sees it (through its init's /proc entry). */
  get rootfs(): string { return `/proc/${this.state.pid}/root`; }

  /** Clone and set up everything; the container waits before exec until start(). */
  static async create(options: CreateOptions): Promise<Container> {
    const opts = withAnnotations(options);
    const startNow = !!opts.startNow && opts.net !== 'lab';
    const config = withPermissionCaps(opts.config, opts.allow ?? []);
    const id = crypto.randomBytes(6).toString('hex');
    const dir = containerDir(id);
    const ns = namespaceSet(config);
    const userns = ns.has('user');
    prepareRunRoot(userns);
    fs.mkdirSync(dir, { mode: 0o711 });
    const rootDir = path.join(dir, 'merged');
    fs.mkdirSync(rootDir, { mode: 0o755 });
    const p = config.process;
    const state: ContainerState = {
      id, name: opts.name ?? id, status: 'creating', pid: 0, pidStartTime: 0,
      ownerPid: process.pid, ownerStartTime: ownStartTime(),
      created: new Date().toISOString(), image: opts.image?.name ?? null, bundle: opts.bundle ?? null,
      dir, rootDir, upperDir: null, workDir: null, rwMount: null, lowerDirs: [], layers: [], idmap: false,
      uidBase: null, usernsSlot: null, cgroup: { version: 2, dirs: [], procsFiles: [] },
      seccomp: { profile: 'unconfined', file: null },
      process: {
        args: p.args, env: p.env ?? [], cwd: p.cwd, uid: p.user.uid, gid: p.user.gid, groups: p.user.additionalGids ?? [], terminal: !!p.terminal,
        rlimits: (p.rlimits ?? []).map((r) => ({ resource: RLIMITS[r.type], soft: r.soft >= 2 ** 63 ? 'inf' : String(r.soft), hard: r.hard >= 2 ** 63 ? 'inf' : String(r.hard) })),
      },
      caps: {
        effective: hexMask(p.capabilities?.effective), permitted: hexMask(p.capabilities?.permitted),
        inheritable: hexMask(p.capabilities?.inheritable), bounding: hexMask(p.capabilities?.bounding), ambient: hexMask(p.capabilities?.ambient),
      },
      noNewPrivileges: !!p.noNewPrivileges, namespaces: [...ns], hostname: config.hostname ?? null,
      net: ns.has('network') ? (opts.net ?? 'none') : 'host', netAddress: null, exit: null,
    };
    let cgroup: ContainerCgroup | null = null;
    try {
      // user namespace: a host range of our own
      let uidMap: string | undefined;
      if (userns) {
        const maps = config.linux?.uidMappings ?? [];
        if (maps.length) {
          uidMap = maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}`).join('\n') + '\n';
          state.uidBase = maps.find((m) => m.containerID === 0)?.hostID ?? null;
        } else {
          state.usernsSlot = claimSlot(id, opts.usernsSlot);
          state.uidBase = slotBase(state.usernsSlot);
          uidMap = idMap(state.uidBase);
        }
      }
      // Written once before anything else is allocated; a crash after this is cleaned up by reconcile, which
      // finds the tmpfs (mountinfo), the cgroup (by id) and the uid slot (its owner file) without further writes.
      writeState(state);
      const gidMap = userns && config.linux?.gidMappings?.length
        ? config.linux.gidMappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}`).join('\n') + '\n'
        : uidMap;

      // the root file system: its paths now; the upper dir's tmpfs and the mount points are made while the clone runs
      let rootfs: Parameters<typeof buildPlan>[1]['rootfs'];
      let prepareRootfs = () => {};
      if (opts.image) {
        const rw = path.join(dir, 'rw');
        const upperDir = path.join(rw, 'upper');
        const workDir = path.join(rw, 'work');
        state.idmap = userns && state.uidBase !== null && idmapSupported();
        const layers = [...opts.image.layers].reverse(); // overlay wants the top layer first
        state.layers = layers.map((l) => ({ digest: l.digest, dir: l.dir }));
        state.lowerDirs = userns && !state.idmap && state.uidBase !== null
          ? await Promise.all(layers.map((l) => shiftedLayerDir(l, state.uidBase!, state.uidBase!)))
          : layers.map((l) => l.dir);
        const staging = path.join(dir, 'staging');
        const { upperSize, upperInodes } = opts;
        prepareRootfs = () => {
          fs.mkdirSync(rw, { mode: 0o700 });
          mountTmpfs(rw, upperSize ?? 256 * 1024 * 1024, upperInodes ?? 65536);
          state.rwMount = rw;
          state.upperDir = upperDir;
          state.workDir = workDir;
          fs.mkdirSync(upperDir, { mode: 0o755 });
          fs.mkdirSync(workDir, { mode: 0o700 });
          if (state.uidBase !== null) fs.chownSync(upperDir, state.uidBase, state.uidBase);
          fs.mkdirSync(staging, { mode: 0o700 });
          state.lowerDirs.forEach((_, i) => fs.mkdirSync(path.join(staging, `lower${i}`)));
        };
        rootfs = { kind: 'overlay', lower: state.lowerDirs, upper: upperDir, work: workDir, staging };
      } else if (opts.rootfsDir) {
        state.idmap = userns && state.uidBase !== null && idmapSupported();
        rootfs = { kind: 'bind', source: opts.rootfsDir };
      } else {
        throw new UserError('a container needs an image or a bundle rootfs');
      }

      // cgroup: v2 joins it at the clone (CLONE_INTO_CGROUP), so it is made first; a v1 child joins it after GO
      // (gb_join_cgroup_self), so it is made while the clone runs
      const driver = cgroupDriver();
      const limits = limitsOf(config);
      if (driver.version === 2) cgroup = driver.create(id, limits);
      const cgroupPaths = cgroup ?? driver.paths(id);
      state.cgroup = { version: driver.version, dirs: [...cgroupPaths.dirs], procsFiles: [...cgroupPaths.procsFiles] };

      // seccomp: the config's own filter, or a named/file profile resolved for this container's caps
      // from the config as given: capabilities that permissions add do not widen the profile (see seccomp `permissions`)
      const { profile, bpf } = seccompFor(opts.config, opts);
      state.seccomp = { profile, file: bpf ? bpfFile(bpf) : null };

      const cgroupFd = cgroup?.version === 2 ? cgroup.openDirFd() : -1;
      let gateFd = -1;
      let result;
      try {
        gateFd = native.gateFd();
        const plan = buildPlan(config, {
          id, rootDir, rootfs, idmap: state.idmap, uidMap, gidMap,
          cgroupFd: cgroupFd >= 0 ? cgroupFd : undefined,
          cgroupProcs: driver.version === 1 ? cgroupPaths.procsFiles : [],
          cgroup: { version: driver.version, dirs: [...cgroupPaths.dirs] },
          gateFd, seccompBpf: bpf, initFd: sealedInit(), stdio: opts.stdio ?? [0, 1, 2],
          allowHostBinds: !!opts.allowHostBinds, waitStart: !startNow,
        });
        const spawning = native.spawn(plan);
        // While the clone runs (~0.5 ms, most of it the network namespace) on a worker thread: the spawn waits at
        // the gate after the clone, before it builds the overlay, until these exist (spawn.c, await_gate).
        let prepared = false;
        try {
          prepareRootfs();
          cgroup ??= driver.create(id, limits);
          prepared = true;
        } finally {
          openGate(gateFd, prepared);
          // on failure: the spawn kills its child; wait for that before the cleanup removes what the plan names
          if (!prepared) await spawning.catch(() => {});
        }
        result = await spawning;
      } catch (e) {
        throw toNativeError(e);
      } finally {
        if (gateFd >= 0) fs.closeSync(gateFd);
        if (cgroupFd >= 0) fs.closeSync(cgroupFd);
      }
      state.pid = result.pid;
      state.pidStartTime = processStartTime(result.pid) ?? 0;
      state.status = startNow ? 'running' : 'created';
      const c = new Container(state, cgroup);
      c.pidfd = result.pidfd;
      c.syncFd = result.syncFd;
      c.watch();
      if (state.net === 'lab') state.netAddress = await attachLabNetwork(state);
      writeState(state);
      return c;
    } catch (e) {
      await destroyContainer(state, cgroup).catch(() => {});
      throw e;
    }
  }

  private watch(): void {
    this.exitPromise = new Promise<ExitInfo>((resolve) => {
      native.watchExit(this.pidfd, (code, signal) => {
        if (this.syncFd >= 0) { native.abandon(this.syncFd, this.pidfd); this.syncFd = -1; }
        fs.closeSync(this.pidfd);
        this.pidfd = -1;
        let oomKilled = false;
        try {
          // only a SIGKILL can be the OOM killer's: read the cgroup's counters just then
          oomKilled = (signal === 9 || code === 137) && (this.cgroup?.stats().memoryEvents.oomKill ?? 0) > 0;
        } catch { /* cgroup already gone */ }
        const exit = { code: code >= 0 ? code : 128 + signal, signal, oomKilled };
        this.state.exit = exit;
        this.state.status = 'stopped';
        if (fs.existsSync(this.state.dir)) writeState(this.state);
        resolve(exit);
      });
    });
  }

  /** OCI start: exec glassbox-init, which runs the configured process. */
  async start(): Promise<void> {
    if (this.state.status !== 'created' || this.syncFd < 0) throw new UserError(`container ${this.state.name} is ${this.state.status}, not created`);
    const fd = this.syncFd;
    this.syncFd = -1;
    try {
      await native.start(fd, this.pidfd);
    } catch (e) {
      throw toNativeError(e);
    }
    this.state.status = 'running';
    writeState(this.state);
  }

  /** Resolves when the container's init exits. */
  wait(): Promise<ExitInfo> {
    return this.exitPromise ?? Promise.resolve(this.state.exit ?? { code: -1, signal: 0, oomKilled: false });
  }

  kill(signal: string | number = 'SIGTERM'): void {
    if (this.pidfd < 0) {
      // not ours to reap (another process created it): signal by pid after checking it is still our init
      if (isAlive(this.state.pid, this.state.pidStartTime)) process.kill(this.state.pid, signalNumber(signal));
      return;
    }
    native.pidfdSendSignal(this.pidfd, signalNumber(signal));
  }

  /** glassbox-enter's command line for this container (for exec and for node-pty terminals). */
  enterCommand(args: string[], opts: { tty?: boolean; env?: string[]; cwd?: string } = {}): { file: string; args: string[] } {
    return { file: path.join(nativeOut, 'glassbox-enter'), args: enterArgs(this.state, args, opts) };
  }

  /** Run a command inside the running container (glassbox-enter joins it). */
  exec(args: string[], opts: { tty?: boolean; env?: string[]; cwd?: string; stdio?: StdioOptions } = {}): ChildProcess {
    const cmd = this.enterCommand(args, opts);
    return spawnProcess(cmd.file, cmd.args, { stdio: opts.stdio ?? 'pipe', env: {} });
  }

  cgroupStats() { return this.cgroup?.stats() ?? null; }

  /** Stop everything and remove every trace: processes, mounts, cgroup, directories, the uid range. */
  async delete(): Promise<void> {
    if (this.syncFd >= 0) { native.abandon(this.syncFd, this.pidfd); this.syncFd = -1; }
    await destroyContainer(this.state, this.cgroup);
    if (this.exitPromise) await this.exitPromise;
  }

  /** A container created by another process, from its state.json (no pidfd: it cannot be reaped here). */
  static fromState(state: ContainerState): Container {
    const driver = cgroupDriver();
    return new Container(state, driver.adopt(state.id));
  }

  static load(id: string): Container | null {
    const s = readState(containerDir(id));
    return s ? Container.fromState(s) : null;
  }
}

/** SIGTERM, TERM or 15 → 15; UserError for anything else. */
export function signalNumber(signal: string | number): number {
  if (typeof signal === 'number' || /^\d+$/.test(signal)) {
    const n = Number(signal);
    if (n >= 1 && n <= 64) return n;
  } else {
    const name = (signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`) as NodeJS.Signals;
    const n = os.constants.signals[name];
    if (n !== undefined) return n;
  }
  throw new UserError(`unknown signal ${signal} (use a name like TERM or KILL, or a number)`);
}

export function enterArgs(s: ContainerState, args: string[], opts: { tty?: boolean; env?: string[]; cwd?: string } = {}): string[] {
  const out = ['--pid', String(s.pid)];
  for (const f of s.cgroup.procsFiles) out.push('--cgroup-procs', f);
  out.push('--uid', String(s.process.uid), '--gid', String(s.process.gid));
  if (s.process.groups.length) out.push('--groups', s.process.groups.join(','));
  const c = s.caps;
  out.push('--caps', [c.effective, c.permitted, c.inheritable, c.bounding, c.ambient].join(':'));
  for (const r of s.process.rlimits ?? []) out.push('--rlimit', `${r.resource}:${r.soft}:${r.hard}`);
  if (s.noNewPrivileges) out.push('--no-new-privs');
  if (s.seccomp.file) out.push('--seccomp', s.seccomp.file);
  out.push('--cwd', opts.cwd ?? s.process.cwd, '--clear-env');
  for (const e of opts.env ?? s.process.env) out.push('--env', e);
  if (opts.tty) out.push('--tty');
  out.push('--', ...args);
  return out;
}

/** Let a spawn waiting at its gate go on (1), or give up (2): an eventfd takes one 8-byte counter. */
function openGate(fd: number, ok: boolean): void {
  const value = Buffer.alloc(8);
  value.writeBigUInt64LE(ok ? 1n : 2n);
  fs.writeSync(fd, value);
}

function mountTmpfs(dir: string, size: number, inodes: number): void {
  try {
    native.mountTmpfs(dir, `size=${size},nr_inodes=${inodes},mode=0755`);
  } catch (e) {
    throw toNativeError(e);
  }
}

