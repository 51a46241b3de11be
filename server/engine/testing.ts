// testing.ts - shared harness of the engine's integration tests: a temp GLASSBOX_ROOT, the busybox image, tracked containers, a leak check.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { OciConfig, RunFlags } from './config/index.ts';
import type { Container, CreateOptions, ExitInfo } from './container.ts';
import type { ResolvedImage } from './images/index.ts';

/** The engine's modules, imported only after GLASSBOX_ROOT is set (paths.ts reads it once, at import). */
async function importEngine() {
  return {
    container: await import('./container.ts'),
    config: await import('./config/index.ts'),
    cleanup: await import('./cleanup.ts'),
    reconcile: await import('./reconcile.ts'),
    state: await import('./state.ts'),
    userns: await import('./userns.ts'),
    paths: await import('./paths.ts'),
    images: await import('./images/index.ts'),
    cgroups: await import('./cgroups/index.ts'),
    idmap: await import('./idmap.ts'),
  };
}
export type Engine = Awaited<ReturnType<typeof importEngine>>;

export interface RunResult { exit: ExitInfo; stdout: string; stderr: string; container: Container }
export interface ConfigOptions { flags?: RunFlags; partial?: unknown; hostname?: string }
export type HarnessCreateOptions = Omit<CreateOptions, 'config' | 'image' | 'stdio'> & { image?: ResolvedImage };

/** Absolute path of the static probe inside the default image. */
export const GBPROBE = '/usr/local/bin/gbprobe';

export interface Harness {
  root: string;
  engine: Engine;
  image: ResolvedImage;
  /** Host pids (with start times) of every container init this file created, here or in a child process. */
  trackPid(pid: number, startTime: number): void;
  config(args: string[], opts?: ConfigOptions): OciConfig;
  /** Create (not start) a container whose stdout/stderr go to files; deleted in t.after. */
  create(t: { after(fn: () => unknown): void }, config: OciConfig, opts?: HarnessCreateOptions): Promise<{ container: Container; output(): { stdout: string; stderr: string } }>;
  /** Create, start, wait; the container is deleted before this resolves. */
  run(t: { after(fn: () => unknown): void }, args: string[], opts?: ConfigOptions & { create?: HarnessCreateOptions }): Promise<RunResult>;
  /** Run gbprobe VERB... in a fresh container and parse its one JSON line. */
  probe<T = Record<string, unknown>>(t: { after(fn: () => unknown): void }, verb: string[], opts?: ConfigOptions): Promise<T>;
  /** Everything this file's containers could have left: empty when nothing leaked. */
  leaks(): string[];
  /** Registers the file's final test: leaks() must be empty. Call it after every other test. */
  leakCheck(): void;
}

const MiB = 1024 * 1024;

/** Sets up a private state root and cgroup parent for this test file, and registers the final leak check and cleanup. */
export async function setupHarness(name: string): Promise<Harness> {
  if (process.getuid?.() !== 0) throw new Error('the engine integration tests run as root, against the real kernel');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `glassbox-${name}-`));
  // mkdtemp makes it 0700; the container's root (a mapped uid) must traverse it to reach its merged dir and layers.
  fs.chmodSync(root, 0o711);
  process.env.GLASSBOX_ROOT = root;
  delete process.env.GLASSBOX_RUN;
  // A private parent: the tests never touch a real server's cgroups (nor another test file's).
  const cgroupParent = `glassbox-test-${name}-${process.pid}`;
  process.env.GLASSBOX_CGROUP_PARENT = cgroupParent;
  const engine = await importEngine();
  assert.equal(engine.paths.stateRoot, root, 'engine modules were imported before GLASSBOX_ROOT was set');

  let image: ResolvedImage;
  try {
    image = await engine.images.resolveImage('busybox');
  } catch {
    image = await engine.images.buildDefaultImage({ onProgress: () => {} });
  }

  const pids = new Map<number, number>();
  const live = new Set<Container>();
  let seq = 0;

  const config = (args: string[], opts: ConfigOptions = {}): OciConfig => {
    const { secureDefaults, applyRunFlags, mergeConfig } = engine.config;
    let cfg = secureDefaults({ args, hostname: opts.hostname ?? 'gbtest' });
    if (opts.flags) cfg = applyRunFlags(cfg, opts.flags);
    return mergeConfig(cfg, opts.partial ?? null, 'test');
  };

  const create: Harness['create'] = async (t, cfg, opts = {}) => {
    const n = seq++;
    const outFile = path.join(root, `out-${n}`);
    const errFile = path.join(root, `err-${n}`);
    const fds = [fs.openSync('/dev/null', 'r'), fs.openSync(outFile, 'w'), fs.openSync(errFile, 'w')] as [number, number, number];
    let container: Container;
    try {
      container = await engine.container.Container.create({ ...opts, config: cfg, image: opts.image ?? image, stdio: fds });
    } finally {
      // The child has its own copy of the fd table since the clone.
      for (const fd of fds) fs.closeSync(fd);
    }
    pids.set(container.pid, container.state.pidStartTime);
    live.add(container);
    t.after(async () => {
      live.delete(container);
      await container.delete();
    });
    return {
      container,
      output: () => ({ stdout: fs.readFileSync(outFile, 'utf8'), stderr: fs.readFileSync(errFile, 'utf8') }),
    };
  };

  const run: Harness['run'] = async (t, args, opts = {}) => {
    const { container, output } = await create(t, config(args, opts), opts.create);
    await container.start();
    const exit = await container.wait();
    return { exit, ...output(), container };
  };

  const probe: Harness['probe'] = async <T>(t: { after(fn: () => unknown): void }, verb: string[], opts: ConfigOptions = {}) => {
    const r = await run(t, [GBPROBE, ...verb], opts);
    assert.equal(r.exit.code, 0, `gbprobe ${verb.join(' ')} exited ${r.exit.code}: ${r.stdout}${r.stderr}`);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(line) as T;
    } catch {
      throw new Error(`gbprobe ${verb.join(' ')} printed no JSON: ${JSON.stringify(r.stdout)} ${r.stderr}`);
    }
  };

  const leaks = (): string[] => {
    const found: string[] = [];
    const { isAlive, listStateDirs, readState } = engine.state;
    for (const [pid, start] of pids) if (isAlive(pid, start)) found.push(`container init ${pid} is still running`);
    for (const dir of listStateDirs()) {
      const s = readState(dir);
      found.push(`state dir ${dir} is left${s && isAlive(s.pid, s.pidStartTime) ? ` (pid ${s.pid} alive)` : ''}`);
    }
    for (const m of engine.cleanup.mountsUnder(root)) found.push(`mount ${m} is left`);
    for (const id of engine.cgroups.cgroupDriver().list()) found.push(`cgroup ${cgroupParent}/${id} is left`);
    for (const { slot, owner } of engine.userns.listSlots()) found.push(`user namespace slot ${slot} (owner ${owner}) is left`);
    for (const pid of processesInCgroup(cgroupParent)) found.push(`process ${pid} is in a cgroup under ${cgroupParent}`);
    return found;
  };

  // Called at the end of a test file, so it runs after its other tests (top-level tests run in order) and their t.after cleanups.
  const leakCheck = () => test('leaves nothing behind: no processes, mounts, cgroups, state dirs or uid slots', () => {
    assert.deepEqual(leaks(), []);
  });

  after(async () => {
    // Whatever a failed test left, remove it so the next run starts clean (the leak test above has already failed).
    for (const c of live) await c.delete().catch(() => {});
    await engine.reconcile.reconcile().catch(() => {});
    const driver = engine.cgroups.cgroupDriver() as { removeParent?: () => Promise<void> };
    await driver.removeParent?.().catch(() => {});
    if (!engine.cleanup.mountsUnder(root).length) fs.rmSync(root, { recursive: true, force: true });
  });

  return { root, engine, image, config, create, run, probe, leaks, leakCheck, trackPid: (pid, start) => pids.set(pid, start) };
}

/** Pids whose cgroup (any v1 hierarchy, or v2) lies under the test parent. */
function processesInCgroup(parent: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = fs.readFileSync(`/proc/${name}/cgroup`, 'utf8');
      if (text.split('\n').some((l) => l.split(':').slice(2).join(':').startsWith(`/${parent}/`))) out.push(Number(name));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** Inode numbers of a process's namespaces, as /proc/<pid>/ns/<name> shows them (0 when the kernel lacks one). */
export function nsInodes(pid: number | 'self'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of ['user', 'pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup', 'time']) {
    try { out[name] = fs.statSync(`/proc/${pid}/ns/${name}`).ino; } catch { out[name] = 0; }
  }
  return out;
}

/** Collect a child process's stdout, stderr and exit code. */
export function collect(child: import('node:child_process').ChildProcess): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Poll until ok() (no timing assertion: only a generous bound against hanging forever). */
export async function until(ok: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export { MiB };
