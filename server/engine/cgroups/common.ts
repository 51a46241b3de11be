// common.ts - what both cgroup drivers share: file system magic checks, ids, cgroup file I/O, kill-and-wait loops.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import type { CgroupLimits } from './types.ts';

/** statfs f_type of cgroup2 and of a cgroup v1 hierarchy (linux/magic.h). */
export const CGROUP2_SUPER_MAGIC = 0x63677270;
export const CGROUP_SUPER_MAGIC = 0x27e0eb;

/** Container ids become directory names, so only this shape is accepted. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const PARENT_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** How long killAll waits for a cgroup to empty before it gives up. */
export const KILL_TIMEOUT_MS = 10_000;

export function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new UserError(`invalid cgroup id ${JSON.stringify(id)}`, `an id must match ${ID_PATTERN}`);
}

/** The parent cgroup's path below each hierarchy's root: `glassbox`, or $GLASSBOX_CGROUP_PARENT (tests use a private one). */
/**
 * Reconcile removes cgroups it has no state for, so two state roots must never share a parent: the default root
 * gets "glassbox", any other (GLASSBOX_ROOT: tests, a second instance) "glassbox-<hash of the root>".
 */
function defaultParent(): string {
  const root = process.env.GLASSBOX_ROOT;
  if (!root || path.resolve(root) === '/var/lib/glassbox') return 'glassbox';
  return `glassbox-${crypto.createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 10)}`;
}

export function parentName(override?: string): string {
  const parent = override ?? process.env.GLASSBOX_CGROUP_PARENT ?? defaultParent();
  const segments = parent.split('/').filter((s) => s !== '');
  if (segments.length === 0 || !segments.every((s) => PARENT_SEGMENT.test(s))) {
    throw new UserError(`invalid cgroup parent ${JSON.stringify(parent)}`, 'GLASSBOX_CGROUP_PARENT is a relative path such as glassbox or system.slice/glassbox');
  }
  return segments.join('/');
}

/** The statfs type of a path, or null if it does not exist. */
export function fsType(dir: string): number | null {
  try {
    return Number(fs.statfsSync(dir).type);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Refuse a directory that is not on the cgroup file system we expect: on a hybrid host /sys/fs/cgroup is a
 * writable tmpfs, where writing memory.max "works" and limits nothing.
 */
export function assertCgroupFs(dir: string, version: 1 | 2): void {
  const want = version === 2 ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC;
  const type = fsType(dir);
  if (type === want) return;
  const found = type === null ? 'does not exist' : `has file system type 0x${type.toString(16)}`;
  throw new UserError(
    `${dir} is not a cgroup ${version === 2 ? 'v2 (cgroup2)' : 'v1'} file system: it ${found}, expected 0x${want.toString(16)}`,
    'run `glassbox doctor` to see which cgroup hierarchies this host mounts',
  );
}

export function readRaw(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}

export function tryRead(file: string): string | null {
  try {
    return readRaw(file);
  } catch {
    return null;
  }
}

/** One write(2) of `value` to a cgroup file; the error names the file and the value. */
export function writeCg(file: string, value: string): void {
  try {
    fs.writeFileSync(file, value);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const wrapped = new Error(`write ${JSON.stringify(value)} to ${file}: ${err.code ?? err.message}`) as NodeJS.ErrnoException;
    wrapped.code = err.code;
    throw wrapped;
  }
}

/** "key value" lines (memory.events, cpu.stat, memory.oom_control) → numbers. */
export function parseKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) out[key] = Number(value);
  }
  return out;
}

/** A number, or null for the kernel's "no limit" spellings. */
export function parseLimit(raw: string): number | null {
  if (raw === 'max' || raw === '-1') return null;
  const n = Number(raw);
  // v1 spells "unlimited" as PAGE_COUNTER_MAX pages (9223372036854771712), anything near 2^63.
  return n >= 2 ** 62 ? null : n;
}

/** The cgroup and every cgroup below it, deepest first (the order rmdir needs). */
export function cgroupTree(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw e;
  }
  for (const entry of entries) if (entry.isDirectory()) out.push(...cgroupTree(path.join(dir, entry.name)));
  out.push(dir);
  return out;
}

/** Every pid in the cgroups rooted at `dirs` (processes, not threads), deduplicated and sorted. */
export function pidsIn(dirs: string[]): number[] {
  const pids = new Set<number>();
  for (const top of dirs) {
    for (const dir of cgroupTree(top)) {
      const text = tryRead(path.join(dir, 'cgroup.procs'));
      for (const line of text?.split('\n') ?? []) if (line) pids.add(Number(line));
    }
  }
  return [...pids].sort((a, b) => a - b);
}

export function sigkill(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll `done` until it is true; on timeout throw an Error saying what was awaited. */
export async function waitFor(done: () => boolean, what: () => string, timeoutMs = KILL_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; !done(); delay = Math.min(delay * 2, 100)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await sleep(delay);
  }
}

/** rmdir each cgroup dir, deepest first; EBUSY (the kernel still tearing down a dying task) is retried briefly. */
export async function removeTree(dirs: string[], timeoutMs = 2_000): Promise<void> {
  for (const top of dirs) {
    for (const dir of cgroupTree(top)) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          fs.rmdirSync(dir);
          break;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (code !== 'EBUSY' || Date.now() > deadline) throw new Error(`rmdir ${dir}: ${code}`);
          await sleep(20);
        }
      }
    }
  }
}

/** Create a directory (and missing parents), checking each new one is on the expected cgroup file system. */
export function mkdirCgroup(root: string, rel: string, version: 1 | 2): string[] {
  const created: string[] = [];
  let dir = root;
  for (const segment of rel.split('/')) {
    dir = path.join(dir, segment);
    try {
      fs.mkdirSync(dir);
      created.push(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    assertCgroupFs(dir, version);
  }
  return created;
}

/** Reject limits the kernel would refuse or silently clamp, before touching any file. */
export function checkLimits(limits: CgroupLimits): void {
  const bad = (what: string, hint: string) => new UserError(`invalid cgroup limit ${what}`, hint);
  const positiveInt = (v: number | undefined) => v === undefined || (Number.isSafeInteger(v) && v > 0);
  for (const key of ['memoryMax', 'memoryHigh', 'memoryLow', 'pidsMax', 'cpuQuotaUs', 'cpuPeriodUs', 'cpuWeight'] as const) {
    if (!positiveInt(limits[key])) throw bad(`${key}=${limits[key]}`, 'limits are positive integers');
  }
  const { cpuQuotaUs, cpuPeriodUs, cpuWeight } = limits;
  // kernel/sched/core.c: period 1 ms..1 s, quota >= 1 ms
  if (cpuPeriodUs !== undefined && (cpuPeriodUs < 1000 || cpuPeriodUs > 1_000_000)) throw bad(`cpuPeriodUs=${cpuPeriodUs}`, 'the CFS period is 1000..1000000 µs');
  if (cpuQuotaUs !== undefined && cpuQuotaUs < 1000) throw bad(`cpuQuotaUs=${cpuQuotaUs}`, 'the CFS quota is at least 1000 µs');
  if (cpuWeight !== undefined && cpuWeight > 10000) throw bad(`cpuWeight=${cpuWeight}`, 'cpu.weight is 1..10000');
}

/**
 * memory.max and memory.limit_in_bytes are stored in pages (page_counter_memparse rounds down), so the read-back
 * value may be up to one page (at most 64 KiB on any Linux arch) below the request.
 */
export function memoryMatches(requested: number, readBack: string): boolean {
  const got = Number(readBack);
  return got <= requested && requested - got < 65536;
}

/** Read a limit back and throw if the kernel did not keep it: a limit that did not take is a security bug. */
export function verify(file: string, expected: string, ok: (raw: string) => boolean = (raw) => raw === expected): void {
  const raw = readRaw(file);
  if (!ok(raw)) throw new Error(`cgroup limit did not take effect: wrote ${JSON.stringify(expected)} to ${file}, read back ${JSON.stringify(raw)}`);
}

/** This process's cgroup paths from /proc/self/cgroup: "" for v2 ("0::/x"), else per controller. */
export function ownCgroups(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (tryRead('/proc/self/cgroup') ?? '').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const ctrl of m[1] === '' ? [''] : m[1].split(',')) out.set(ctrl, m[2]);
  }
  return out;
}
