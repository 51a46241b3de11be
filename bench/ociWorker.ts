// ociWorker.ts - child process of the start bench: times `<runtime> run` and `<runtime> exec` of `true` on request.
// It runs inside the mount namespace the runtime needs (see oci.ts), so that set-up is paid once, not per container.
// Requests arrive one JSON line at a time on stdin (so the parent can interleave runtimes); answers go to stdout.
import { spawnSync } from 'node:child_process';
import readline from 'node:readline';

interface Job { runtime: string; root: string; bundleTrue: string; bundleSleep: string }
export type Request = { op: 'run' | 'exec'; count: number } | { op: 'sleeper' } | { op: 'quit' };

const job = JSON.parse(process.argv[2] ?? '') as Job;
const prefix = `gbbench-${process.pid}`;
const sleeper = `${prefix}-sleep`;
const live = new Set<string>();
let next = 0;

function rt(args: string[], stdio: 'ignore' | 'pipe' = 'pipe') {
  return spawnSync(job.runtime, ['--root', job.root, ...args], { stdio: ['ignore', 'ignore', stdio] });
}

function check(what: string, r: ReturnType<typeof rt>): void {
  if (r.error) throw new Error(`${job.runtime} ${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${job.runtime} ${what}: exit ${r.status ?? r.signal}: ${r.stderr?.toString().trim().split('\n').pop() ?? ''}`);
}

/** Times one spawn with hrtime; the runtime's process start-up is part of what it costs. */
function timed(what: string, call: () => ReturnType<typeof rt>): number {
  const t0 = process.hrtime.bigint();
  const r = call();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  check(what, r);
  return ms;
}

/** `run` in the foreground: create, start, wait for `true`, and delete, as one would type it. */
function runTrue(): number {
  const id = `${prefix}-${next++}`;
  live.add(id);
  const ms = timed('run', () => rt(['run', '--bundle', job.bundleTrue, id]));
  live.delete(id);
  return ms;
}

function handle(req: Request): number[] {
  if (req.op === 'run') return Array.from({ length: req.count }, runTrue);
  if (req.op === 'exec') return Array.from({ length: req.count }, () => timed('exec', () => rt(['exec', sleeper, '/bin/true'])));
  if (req.op === 'sleeper') {
    // detached `sleep 1000`; its stdio must not be a pipe of ours or spawnSync would wait for sleep to exit.
    live.add(sleeper);
    check('run --detach', rt(['run', '--detach', '--bundle', job.bundleSleep, sleeper], 'ignore'));
  }
  return [];
}

function cleanupAndExit(code: number): never {
  for (const id of live) rt(['delete', '--force', id]);
  process.exit(code);
}

// Ctrl-C reaches us too (same process group): the current spawnSync finishes first, then we delete what we made.
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => cleanupAndExit(130));

for await (const line of readline.createInterface({ input: process.stdin })) {
  const req = JSON.parse(line) as Request;
  if (req.op === 'quit') break;
  try {
    process.stdout.write(JSON.stringify({ samples: handle(req) }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: (e as Error).message }) + '\n');
  }
}
cleanupAndExit(0); // stdin closed (parent gone) or quit
