// plan.ts - turns a validated OCI config into the native spawn plan: every path, flag and mask resolved before the clone.
import fs from 'node:fs';
import type { MountOp, SpawnPlan } from '../../native/index.ts';
import type { OciConfig } from './config/index.ts';
import { capMask, mountFlags } from './config/index.ts';
import { UserError } from './errors.ts';

// clone(2) flags
export const CLONE = {
  user: 0x10000000, pid: 0x20000000, mount: 0x00020000, uts: 0x04000000, ipc: 0x08000000, network: 0x40000000,
  cgroup: 0x02000000, time: 0x00000080,
} as const;

const MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_RDONLY = 1, MS_BIND = 4096, MS_REC = 16384;

/** getrlimit(2)'s resource numbers. */
export const RLIMITS: Record<string, number> = {
  RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4, RLIMIT_RSS: 5, RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7, RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9, RLIMIT_LOCKS: 10, RLIMIT_SIGPENDING: 11, RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13, RLIMIT_RTPRIO: 14, RLIMIT_RTTIME: 15,
};

/** The device nodes every container gets, bind-mounted from the host: a user ns may not mknod (user_namespaces(7)). */
const DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
const DEV_LINKS: Array<[string, string]> = [
  ['/proc/self/fd', 'dev/fd'], ['/proc/self/fd/0', 'dev/stdin'], ['/proc/self/fd/1', 'dev/stdout'],
  ['/proc/self/fd/2', 'dev/stderr'], ['pts/ptmx', 'dev/ptmx'],
];

let capLastCache: number | undefined;
export function capLast(): number {
  return (capLastCache ??= Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim()));
}

export function namespaceSet(config: OciConfig): Set<string> {
  return new Set((config.linux?.namespaces ?? []).map((n) => n.type));
}

function rel(dest: string): string {
  const r = dest.replace(/^\/+/, '').replace(/\/+$/, '');
  if (!r || r.split('/').some((part) => part === '..' || part === '.'))
    throw new UserError(`mount destination "${dest}" must be a normalised path inside the container`);
  return r;
}

/** The v1 hierarchy a cgroup dir belongs to, named as under /sys/fs/cgroup ("memory", "cpu,cpuacct"). */
function v1HierarchyName(dir: string): string {
  let best = '';
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const mp = f[4];
    if (f[f.indexOf('-') + 1] === 'cgroup' && mp && dir.startsWith(mp + '/') && mp.length > best.length) best = mp;
  }
  return best.slice(best.lastIndexOf('/') + 1) || 'unknown';
}

/**
 * An OCI "cgroup" mount shows the container its own cgroup, read-only, as runc does: on v2 the leaf directory,
 * on v1 a tmpfs holding each controller's directory of this container.
 */
function cgroupMountOps(target: string, cgroup: { version: 1 | 2; dirs: string[] } | undefined, flags: number): MountOp[] {
  if (!cgroup?.dirs.length) return [];
  const ro = MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | (flags & MS_RDONLY);
  if (cgroup.version === 2) return [{ kind: 'bind', source: cgroup.dirs[0], target, flags: ro, mkdir: 1 }];
  const ops: MountOp[] = [{ kind: 'mount', source: 'cgroup', target, fstype: 'tmpfs', flags: MS_NOSUID | MS_NODEV | MS_NOEXEC, data: 'mode=755', mkdir: 1 }];
  for (const dir of cgroup.dirs) ops.push({ kind: 'bind', source: dir, target: `${target}/${v1HierarchyName(dir)}`, flags: ro, mkdir: 1 });
  return ops;
}

/** The mounts of the config as native ops, plus /dev's nodes and links, masked and read-only paths. */
export function mountOps(config: OciConfig, opts: { userns: boolean; newNet: boolean; allowHostBinds: boolean; cgroup?: { version: 1 | 2; dirs: string[] } }): MountOp[] {
  const ops: MountOp[] = [];
  for (const m of config.mounts ?? []) {
    const target = rel(m.destination);
    const { flags, propagation, data } = mountFlags(m.options ?? []);
    if (m.type === 'cgroup' || m.type === 'cgroup2') {
      ops.push(...cgroupMountOps(target, opts.cgroup, flags));
      continue;
    }
    const isBind = m.type === 'bind' || (flags & MS_BIND) !== 0;
    if (isBind) {
      if (!opts.allowHostBinds) throw new UserError(`mounts: a bind mount of a host path (${m.source}) is not allowed here`);
      const source = m.source ?? '';
      let isDir = true;
      try { isDir = fs.statSync(source).isDirectory(); } catch { throw new UserError(`mounts: bind source "${source}" does not exist`); }
      ops.push({ kind: 'bind', source, target, flags: flags | MS_BIND, propagation, mkdir: isDir ? 1 : 2 });
      continue;
    }
    if (m.type === 'sysfs' && opts.userns && !opts.newNet) {
      // sysfs may only be mounted by the owner of the net ns; without one, show the host's read-only.
      ops.push({ kind: 'bind', source: '/sys', target, flags: MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, mkdir: 1 });
      continue;
    }
    let mdata = data;
    if (m.type === 'devpts' && opts.userns) mdata = mdata.split(',').filter((o) => o && !o.startsWith('gid=')).join(',');
    ops.push({ kind: 'mount', source: m.source ?? m.type ?? 'none', target, fstype: m.type, flags, propagation, data: mdata || undefined, mkdir: 1 });
    if (target === 'dev' && m.type === 'tmpfs') {
      for (const d of DEVICES) ops.push({ kind: 'bind', source: `/dev/${d}`, target: `dev/${d}`, flags: MS_BIND, mkdir: 2 });
      for (const [link, at] of DEV_LINKS) ops.push({ kind: 'symlink', source: link, target: at });
    }
  }
  for (const p of config.linux?.maskedPaths ?? []) ops.push({ kind: 'mask', target: rel(p) });
  for (const p of config.linux?.readonlyPaths ?? []) ops.push({ kind: 'readonly', target: rel(p) });
  return ops;
}

export interface PlanContext {
  id: string;
  rootDir: string;
  rootfs: { kind: 'overlay'; lower: string[]; upper: string; work: string; staging: string } | { kind: 'bind'; source: string };
  idmap: boolean;
  uidMap?: string;
  gidMap?: string;
  cgroupFd?: number;
  cgroupProcs?: string[];
  /** native.gateFd(): the spawn waits after the clone until the caller has made the overlay's dirs and a v1 cgroup. */
  gateFd?: number;
  /** The container's cgroup directories, for an OCI cgroup mount. */
  cgroup?: { version: 1 | 2; dirs: string[] };
  seccompBpf?: Buffer;
  initFd: number;
  stdio: [number, number, number];
  allowHostBinds: boolean;
  waitStart: boolean;
}

export function buildPlan(config: OciConfig, ctx: PlanContext): SpawnPlan {
  const ns = namespaceSet(config);
  if (!ns.has('mount')) throw new UserError('linux.namespaces: glassbox needs a mount namespace (add {"type":"mount"})');
  for (const n of config.linux?.namespaces ?? [])
    if (n.path) throw new UserError(`linux.namespaces: joining an existing ${n.type} namespace (path) is not supported yet`);
  let cloneFlags = 0;
  for (const t of ['user', 'pid', 'mount', 'uts', 'ipc', 'network'] as const) if (ns.has(t)) cloneFlags |= CLONE[t];
  const userns = ns.has('user');
  const p = config.process;
  const caps = p.capabilities ?? {};
  const offsets = config.linux?.timeOffsets;
  return {
    name: ctx.id,
    cloneFlags,
    unshareCgroup: ns.has('cgroup'),
    unshareTime: ns.has('time'),
    timeMonotonicSecs: offsets?.monotonic?.secs ?? 0,
    timeBoottimeSecs: offsets?.boottime?.secs ?? 0,
    uidMap: userns ? ctx.uidMap : undefined,
    gidMap: userns ? ctx.gidMap : undefined,
    cgroupFd: ctx.cgroupFd ?? -1,
    cgroupProcs: ctx.cgroupProcs ?? [],
    gateFd: ctx.gateFd ?? -1,
    rootfsKind: ctx.rootfs.kind,
    rootDir: ctx.rootDir,
    ...(ctx.rootfs.kind === 'overlay'
      ? { lower: ctx.rootfs.lower, upper: ctx.rootfs.upper, work: ctx.rootfs.work, staging: ctx.rootfs.staging }
      : { bindSource: ctx.rootfs.source }),
    idmap: ctx.idmap,
    rootReadonly: !!config.root.readonly,
    ops: mountOps(config, { userns, newNet: ns.has('network'), allowHostBinds: ctx.allowHostBinds, cgroup: ctx.cgroup }),
    hostname: ns.has('uts') ? config.hostname : undefined,
    domainname: ns.has('uts') ? config.domainname : undefined,
    loopbackUp: ns.has('network'),
    rlimits: (p.rlimits ?? []).map((r) => ({
      resource: RLIMITS[r.type],
      soft: r.soft >= 2 ** 63 ? 0xffffffffffffffffn : BigInt(r.soft),
      hard: r.hard >= 2 ** 63 ? 0xffffffffffffffffn : BigInt(r.hard),
    })),
    oomScoreAdj: p.oomScoreAdj,
    capLast: capLast(),
    capEffective: capMask(caps.effective ?? []),
    capPermitted: capMask(caps.permitted ?? []),
    capInheritable: capMask(caps.inheritable ?? []),
    capBounding: capMask(caps.bounding ?? []),
    // The kernel raises an ambient cap only if it is permitted and inheritable (capabilities(7)); like runc, skip the rest.
    capAmbient: capMask(caps.ambient ?? []) & capMask(caps.inheritable ?? []) & capMask(caps.permitted ?? []),
    uid: p.user.uid,
    gid: p.user.gid,
    groups: p.user.additionalGids ?? [],
    noNewPrivileges: !!p.noNewPrivileges,
    seccompBpf: ctx.seccompBpf,
    cwd: p.cwd,
    stdio: ctx.stdio,
    initFd: ctx.initFd,
    argv: ['glassbox-init', '--', ...p.args],
    env: p.env ?? [],
    waitStart: ctx.waitStart,
    timeoutMs: 10_000,
  };
}

