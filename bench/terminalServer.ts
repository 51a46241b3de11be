// terminalServer.ts - the terminal bench's private world: a temp GLASSBOX_ROOT with the busybox image, and the lab server in a child process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');

/**
 * A temp state root and a private cgroup parent, so nothing touches /var/lib/glassbox or a real server's cgroups.
 * Must run before any engine module is imported (paths.ts reads GLASSBOX_ROOT once). Its undo, registered first,
 * runs last: whatever the server left is reconciled away, then the cgroup parent and the directory go.
 */
export async function prepareRoot(log: (msg: string) => void): Promise<{ root: string; runRoot: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-bench-terminal-'));
  fs.chmodSync(root, 0o711); // a container's mapped root must traverse it to reach its layers
  process.env.GLASSBOX_ROOT = root;
  delete process.env.GLASSBOX_RUN;
  process.env.GLASSBOX_CGROUP_PARENT = `glassbox-bench-terminal-${process.pid}`;
  const paths = await import('../server/engine/paths.ts');
  if (paths.stateRoot !== root) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error('engine paths were imported before GLASSBOX_ROOT was set');
  }
  onCleanup('the temp state root', async () => {
    const { reconcile } = await import('../server/engine/reconcile.ts');
    const r = await reconcile();
    if (r.removed.length) log(`removed ${r.removed.length} container(s) the server left`);
    const { cgroupDriver } = await import('../server/engine/cgroups/index.ts');
    await (cgroupDriver() as { removeParent?: () => Promise<void> }).removeParent?.();
    const { mountsUnder } = await import('../server/engine/cleanup.ts');
    const mounts = mountsUnder(root);
    if (mounts.length) throw new Error(`${mounts.length} mount(s) left under ${root}; not removing it`);
    fs.rmSync(root, { recursive: true, force: true });
  });
  const images = await import('../server/engine/images/index.ts');
  const t0 = Date.now();
  log('building the busybox image into the temp root');
  await images.buildDefaultImage({ onProgress: () => {} });
  log(`image built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { root, runRoot: paths.runRoot };
}

export interface ServerChild {
  url: string;
  pid: number;
  /** VmRSS and VmHWM of the server process, in KiB. */
  memory(): { rssKiB: number; hwmKiB: number };
  /** Container state dirs under the run root (live containers). */
  containers(): number;
  /** SIGTERM (the server deletes every container), SIGKILL after 30 s. */
  stop(): Promise<void>;
}

export async function spawnServer(runRoot: string, graceMs: number, log: (msg: string) => void): Promise<ServerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'terminalServerMain.ts'), String(graceMs)], {
    cwd: repo, env: process.env, stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Its log is kept, not shown: printed only if it dies early, so the table stays readable.
  const tail: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (s: string) => { tail.push(...s.split('\n').filter(Boolean)); tail.splice(0, Math.max(0, tail.length - 30)); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= (async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => { log('server did not stop in 30 s: SIGKILL'); child.kill('SIGKILL'); }, 30_000);
    await exited;
    clearTimeout(timer);
  })());
  const drop = onCleanup('the server process', stop);

  const first = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (s: string) => {
      buf += s;
      const nl = buf.indexOf('\n');
      if (nl >= 0) { child.stdout.off('data', onData); resolve(buf.slice(0, nl)); }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`the server exited (${code ?? signal}) before listening:\n${tail.join('\n')}`)));
    setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${tail.join('\n')}`)), 60_000).unref();
  });
  const { url, pid } = JSON.parse(first) as { url: string; pid: number };
  const kib = (status: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return {
    url, pid,
    memory: () => {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      return { rssKiB: kib(status, 'VmRSS'), hwmKiB: kib(status, 'VmHWM') };
    },
    containers: () => {
      try { return fs.readdirSync(runRoot).filter((n) => /^[a-f0-9]{12}$/.test(n)).length; } catch { return 0; }
    },
    stop: async () => { await stop(); drop(); },
  };
}
