// glassboxTrace.ts - where a glassbox start spends its time: TypeScript phases here, native stages from GLASSBOX_TRACE.
// Its own process, because the addon's trace goes to fd 2 (the parent reads it) and is switched on by the environment.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../server/engine/paths.ts';
import { onCleanup } from './cleanup.ts';
import { median } from './stats.ts';

export interface TraceBreakdown {
  /** Phases seen from TypeScript, medians in ms (the addon's spawn and start timed around their promises). */
  phases: Array<[string, number]>;
  /** gb_spawn's own stages (time since the previous stage), medians in ms. */
  nativeStages: Array<[string, number]>;
}

/** Parent side: runs this file as a child with GLASSBOX_TRACE=1 and summarises. */
export async function traceBreakdown(n: number, warmup: number): Promise<TraceBreakdown> {
  const file = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', file, String(n), String(warmup)], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GLASSBOX_TRACE: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  // On Ctrl-C the child deletes its current container and exits; wait for that before the parent goes.
  const drop = onCleanup('trace child', async () => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  });
  const code = await exited;
  drop();
  if (code !== 0) throw new Error(`trace child failed (exit ${code}): ${stderr.trim().split('\n').pop()}`);
  const samples = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number[]>;

  // Each spawn prints cumulative stage times; a stage name seen again starts the next spawn.
  const spawns: Array<Map<string, number>> = [];
  let current = new Map<string, number>();
  for (const m of stderr.matchAll(/^\[gb_spawn\] (\S+)\s+([\d.]+) ms$/gm)) {
    if (current.has(m[1])) { spawns.push(current); current = new Map(); }
    current.set(m[1], Number(m[2]));
  }
  if (current.size) spawns.push(current);
  const measured = spawns.slice(-n);
  const names = measured.length ? [...measured[measured.length - 1].keys()] : [];
  const nativeStages = names.map((name, i): [string, number] =>
    [name, median(measured.map((s) => (s.get(name) ?? NaN) - (i ? s.get(names[i - 1]) ?? NaN : 0)))]);
  return { phases: Object.entries(samples).map(([k, v]): [string, number] => [k, median(v)]), nativeStages };
}

/** Child side: the same create/start/wait/delete as glassbox.ts, with the addon's spawn and start timed from outside. */
async function child(n: number, warmup: number): Promise<void> {
  const { native } = await import('../native/index.ts');
  const { Container } = await import('../server/engine/container.ts');
  const { secureDefaults } = await import('../server/engine/config/index.ts');
  const { busyboxImage } = await import('./glassbox.ts');
  const binding = native() as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  let lastSpawn = 0;
  let lastStart = 0;
  // A bench-only wrapper on the loaded binding object; the engine code is unchanged.
  for (const [key, set] of [['spawn', (ms: number) => { lastSpawn = ms; }], ['start', (ms: number) => { lastStart = ms; }]] as const) {
    const orig = binding[key].bind(binding);
    binding[key] = async (...a: unknown[]) => {
      const t0 = process.hrtime.bigint();
      try { return await orig(...a); } finally { set(Number(process.hrtime.bigint() - t0) / 1e6); }
    };
  }
  const image = await busyboxImage(() => {});
  // Ctrl-C reaches this process too: stop between containers, after the current one is deleted.
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => { stopping = true; });
  const s: Record<string, number[]> = {
    'create: TypeScript (all but native spawn)': [], 'create: native spawn': [], 'start: native start': [], 'start: TypeScript': [], wait: [], delete: [],
  };
  const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
  for (let i = 0; i < warmup + n && !stopping; i++) {
    const t0 = process.hrtime.bigint();
    const c = await Container.create({ config: secureDefaults({ args: ['/bin/true'] }), image });
    const create = ms(t0);
    let deleted = false;
    try {
      const t1 = process.hrtime.bigint();
      await c.start();
      const start = ms(t1);
      const t2 = process.hrtime.bigint();
      await c.wait();
      const wait = ms(t2);
      const t3 = process.hrtime.bigint();
      await c.delete();
      deleted = true;
      if (i < warmup) continue;
      s['create: TypeScript (all but native spawn)'].push(create - lastSpawn);
      s['create: native spawn'].push(lastSpawn);
      s['start: native start'].push(lastStart);
      s['start: TypeScript'].push(start - lastStart);
      s.wait.push(wait);
      s.delete.push(ms(t3));
    } finally {
      if (!deleted) await c.delete();
    }
  }
  if (stopping) process.exit(130);
  process.stdout.write(JSON.stringify(s) + '\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await child(Number(process.argv[2]), Number(process.argv[3]));
}
