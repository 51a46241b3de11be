// oci.ts - the runc/crun side of the start bench: an OCI bundle on the busybox rootfs, and one timing worker per runtime.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ResolvedImage } from '../server/engine/images/index.ts';
import { repoRoot } from '../server/engine/paths.ts';
import { onCleanup } from './cleanup.ts';
import type { Request } from './ociWorker.ts';

/** The user namespace both runtimes get (glassbox gives each container one of its own, too). */
export const HOST_UID_BASE = 100000;
const MAP_SIZE = 65536;
const UNIFIED_CONTROLLERS = '/sys/fs/cgroup/unified/cgroup.controllers';

export interface Bundles { dir: string; rootfs: string; bundleTrue: string; bundleSleep: string; empty: string }
export type Runtime = 'runc' | 'crun';

export function runtimeVersion(rt: Runtime): string {
  const r = spawnSync(rt, ['--version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`${rt} is not installed (apt-get install -y ${rt})`);
  return r.stdout.split('\n')[0].trim();
}

/** chown -R with every uid/gid shifted by `by`, links themselves not their targets (what a rootless runtime expects). */
function shiftOwners(dir: string, by: number): void {
  const st = fs.lstatSync(dir);
  fs.lchownSync(dir, st.uid + by, st.gid + by);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) shiftOwners(p, by);
    else {
      const s = fs.lstatSync(p);
      fs.lchownSync(p, s.uid + by, s.gid + by);
    }
  }
}

/**
 * A temp dir (removed by cleanup) with rootfs/ = the image's layers copied bottom first (busybox has no whiteouts),
 * owned by the mapped root, and two bundles from `runc spec`: `true` and `sleep 1000`.
 */
export function prepareBundles(image: ResolvedImage): Bundles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-bench-'));
  onCleanup(`bench dir ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.chmodSync(dir, 0o755); // the container's root (host uid 100000) must traverse to its rootfs
  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(rootfs);
  for (const layer of image.layers) {
    const r = spawnSync('cp', ['-a', `${layer.dir}/.`, rootfs], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cp -a ${layer.dir}: ${r.stderr.trim()}`);
  }
  shiftOwners(rootfs, HOST_UID_BASE);

  const bundleTrue = path.join(dir, 'true');
  const bundleSleep = path.join(dir, 'sleep');
  fs.mkdirSync(bundleTrue);
  fs.mkdirSync(bundleSleep);
  const r = spawnSync('runc', ['spec', '--bundle', bundleTrue], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`runc spec: ${r.error?.message ?? r.stderr.trim()}`);
  const spec = JSON.parse(fs.readFileSync(path.join(bundleTrue, 'config.json'), 'utf8'));
  spec.root = { path: rootfs, readonly: true };
  spec.process.terminal = false;
  // runc's defaults otherwise; add the namespaces glassbox also creates (cgroup, user) so both sides pay for them.
  const have = new Set(spec.linux.namespaces.map((n: { type: string }) => n.type));
  for (const type of ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup', 'user']) if (!have.has(type)) spec.linux.namespaces.push({ type });
  spec.linux.uidMappings = [{ containerID: 0, hostID: HOST_UID_BASE, size: MAP_SIZE }];
  spec.linux.gidMappings = [{ containerID: 0, hostID: HOST_UID_BASE, size: MAP_SIZE }];
  const write = (bundle: string, args: string[]) =>
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify({ ...spec, process: { ...spec.process, args } }, null, 2));
  write(bundleTrue, ['/bin/true']);
  write(bundleSleep, ['/bin/sleep', '1000']);

  const empty = path.join(dir, 'empty');
  fs.writeFileSync(empty, '');
  return { dir, rootfs, bundleTrue, bundleSleep, empty };
}

/**
 * The command prefix a runtime runs under. crun 1.8 refuses a hybrid host ("cgroups in hybrid mode not supported")
 * when the cgroup2 mount at /sys/fs/cgroup/unified lists controllers, so it gets a private mount namespace with an
 * empty file over that list. runc handles hybrid hosts itself and runs as it is.
 */
function wrapper(rt: Runtime, b: Bundles): string[] {
  if (rt !== 'crun' || !fs.existsSync(UNIFIED_CONTROLLERS)) return [];
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
    'f=$1; shift; mount --bind "$f" ' + UNIFIED_CONTROLLERS + ' && exec "$@"', 'sh', b.empty];
}

/** `<rt> delete --force` whatever is left in a state root (a worker that was killed before its own clean-up). */
function deleteLeftovers(rt: Runtime, root: string, b: Bundles): void {
  let ids: string[];
  try { ids = fs.readdirSync(root); } catch { return; }
  const w = wrapper(rt, b);
  for (const id of ids) {
    const cmd = [...w, rt, '--root', root, 'delete', '--force', id];
    spawnSync(cmd[0], cmd.slice(1), { stdio: 'ignore' });
  }
}

/** One runtime's timing worker (ociWorker.ts), started under its wrapper; all its state lives under the bench dir. */
export class OciWorker {
  private readonly child: ChildProcess;
  private readonly lines: AsyncIterator<string>;
  private readonly exited: Promise<number | null>;
  private readonly drop: () => void;
  private readonly sweep: () => void;

  constructor(readonly runtime: Runtime, b: Bundles) {
    const root = path.join(b.dir, `state-${runtime}`);
    const worker = fileURLToPath(new URL('./ociWorker.ts', import.meta.url));
    const job = JSON.stringify({ runtime, root, bundleTrue: b.bundleTrue, bundleSleep: b.bundleSleep });
    const cmd = [...wrapper(runtime, b), process.execPath, '--import', 'tsx', worker, job];
    this.child = spawn(cmd[0], cmd.slice(1), { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    this.lines = readline.createInterface({ input: this.child.stdout! })[Symbol.asyncIterator]();
    this.sweep = () => deleteLeftovers(runtime, root, b);
    // Registered before anything can fail: let the worker delete its containers, then sweep its state root.
    this.drop = onCleanup(`${runtime} worker`, async () => {
      this.child.stdin!.end();
      const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(t);
      this.sweep();
    });
  }

  private async ask(req: Request): Promise<number[]> {
    this.child.stdin!.write(JSON.stringify(req) + '\n');
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`${this.runtime} worker exited (code ${await this.exited}); its error is above`);
    const answer = JSON.parse(value) as { samples?: number[]; error?: string };
    if (answer.error) throw new Error(answer.error);
    return answer.samples!;
  }

  /** `count` foreground runs of `true`, each timed. */
  run(count: number): Promise<number[]> { return this.ask({ op: 'run', count }); }
  /** Starts the detached `sleep 1000` that exec targets. */
  async startSleeper(): Promise<void> { await this.ask({ op: 'sleeper' }); }
  /** `count` execs of `true` into the sleeper, each timed. */
  exec(count: number): Promise<number[]> { return this.ask({ op: 'exec', count }); }

  async close(): Promise<void> {
    this.child.stdin!.end(JSON.stringify({ op: 'quit' }) + '\n');
    const code = await this.exited;
    this.sweep();
    this.drop();
    if (code !== 0) throw new Error(`${this.runtime} worker exited with ${code}`);
  }
}
