// start.ts - `npm run bench -- start`: container start and exec latency, glassbox against runc, crun and nsenter, one run.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { UserError } from '../server/engine/errors.ts';
import { cleanupAll, cleanupOnSignals } from './cleanup.ts';
import { busyboxImage, emptyStartSamples, enterTimes, glassboxRuns, glassboxSleeper, nsenterTimes, type StartSamples } from './glassbox.ts';
import { traceBreakdown, type TraceBreakdown } from './glassboxTrace.ts';
import { OciWorker, prepareBundles, runtimeVersion } from './oci.ts';
import { fmt, median, p90, table } from './stats.ts';

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function options(args: string[]): { n: number; warmup: number; trace: boolean } {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { n: { type: 'string' }, warmup: { type: 'string' }, 'no-trace': { type: 'boolean' } } }));
  } catch (e) {
    throw new UserError((e as Error).message, 'usage: npm run bench -- start [--n 50] [--warmup 3] [--no-trace]');
  }
  const int = (v: string | undefined, dflt: number, min: number, what: string) => {
    const x = v === undefined ? dflt : Number(v);
    if (!Number.isInteger(x) || x < min) throw new UserError(`--${what} wants a whole number >= ${min}, not ${v}`);
    return x;
  };
  return { n: int(values.n, 50, 1, 'n'), warmup: int(values.warmup, 3, 0, 'warmup'), trace: !values['no-trace'] };
}

interface Results {
  n: number;
  gb: StartSamples;
  runc: { run: number[]; exec: number[] };
  crun: { run: number[]; exec: number[] };
  enter: number[];
  nsenter: number[];
  trace: TraceBreakdown | null;
  versions: string[];
}

/** Rows are measured in interleaved blocks, so a burst of load on this shared machine hits every row alike. */
const BLOCK = 5;
async function interleaved(n: number, steps: Array<(count: number) => Promise<unknown>>): Promise<void> {
  for (let done = 0; done < n; done += BLOCK) {
    for (const step of steps) await step(Math.min(BLOCK, n - done));
  }
}

export async function runStartBench(args: string[]): Promise<void> {
  const opts = options(args);
  if (process.getuid?.() !== 0) throw new UserError('the start bench creates real containers and must run as root', 'sudo npm run bench -- start');
  const versions = [`kernel ${os.release()}`, runtimeVersion('runc'), runtimeVersion('crun')];
  cleanupOnSignals();
  try {
    const image = await busyboxImage(log);
    log('runc/crun: copying the busybox layers into a bundle rootfs');
    const bundles = prepareBundles(image);
    const runc = new OciWorker('runc', bundles);
    const crun = new OciWorker('crun', bundles);
    const r: Results = {
      n: opts.n, gb: emptyStartSamples(), runc: { run: [], exec: [] }, crun: { run: [], exec: [] },
      enter: [], nsenter: [], trace: null, versions,
    };

    log(`start: ${opts.n} containers running true per runtime (after ${opts.warmup} warm-ups), interleaved`);
    await glassboxRuns(image, opts.warmup);
    await runc.run(opts.warmup);
    await crun.run(opts.warmup);
    await interleaved(opts.n, [
      (k) => glassboxRuns(image, k, r.gb),
      async (k) => r.runc.run.push(...await runc.run(k)),
      async (k) => r.crun.run.push(...await crun.run(k)),
    ]);

    log(`exec: ${opts.n} execs of true per tool into a running sleep 1000, interleaved`);
    const sleeper = await glassboxSleeper(image);
    await runc.startSleeper();
    await crun.startSleeper();
    enterTimes(sleeper.c, opts.warmup);
    nsenterTimes(sleeper.c, opts.warmup);
    await runc.exec(opts.warmup);
    await crun.exec(opts.warmup);
    await interleaved(opts.n, [
      async (k) => r.enter.push(...enterTimes(sleeper.c, k)),
      async (k) => r.nsenter.push(...nsenterTimes(sleeper.c, k)),
      async (k) => r.runc.exec.push(...await runc.exec(k)),
      async (k) => r.crun.exec.push(...await crun.exec(k)),
    ]);
    await sleeper.remove();
    await runc.close();
    await crun.close();

    if (opts.trace) {
      log('glassbox: per-stage breakdown (GLASSBOX_TRACE=1, separate process)');
      r.trace = await traceBreakdown(Math.min(opts.n, 20), opts.warmup);
    }
    await cleanupAll();
    process.stdout.write(report(r) + '\n');
  } finally {
    await cleanupAll();
  }
}

function report(r: Results): string {
  const row = (what: string, s: number[]) => [what, fmt(median(s)), fmt(p90(s))];
  const sum = r.gb.untilExit.map((v, i) => v + r.gb.delete[i]);
  const out: string[] = [];
  out.push(`start bench: N=${r.n} per row, busybox rootfs, ${r.versions.join(', ')}, ${os.cpus().length} CPUs`);
  out.push('');
  out.push(table(['container start: `true` (ms)', 'median', 'p90'], [
    row('glassbox create+start+wait (in-process)', r.gb.untilExit),
    row('  create and start (one step)', r.gb.create),
    row('  wait (until true has exited)', r.gb.wait),
    row('glassbox delete', r.gb.delete),
    row('glassbox create..delete', sum),
    row('runc run (create, start, wait, delete)', r.runc.run),
    row('crun run (create, start, wait, delete)', r.crun.run),
  ]));
  out.push('');
  out.push(table(['exec `true` into a running container (ms)', 'median', 'p90'], [
    row('glassbox-enter (Container.exec\'s command)', r.enter),
    row('runc exec', r.runc.exec),
    row('crun exec', r.crun.exec),
    row('nsenter -a -t PID true', r.nsenter),
  ]));
  out.push('');
  const ratio = (a: number[], b: number[]) => fmt(median(a) / median(b));
  out.push(table(['ratios of medians', 'glassbox/runc', 'glassbox/crun', 'glassbox/nsenter'], [
    ['start: create+start+wait vs run', ratio(r.gb.untilExit, r.runc.run), ratio(r.gb.untilExit, r.crun.run), ''],
    ['start: create..delete vs run', ratio(sum, r.runc.run), ratio(sum, r.crun.run), ''],
    ['exec', ratio(r.enter, r.runc.exec), ratio(r.enter, r.crun.exec), ratio(r.enter, r.nsenter)],
  ]));
  if (r.trace) {
    out.push('');
    out.push(table(['where a glassbox start goes (medians, ms; separate traced run)', 'ms'], [
      ...r.trace.phases.map(([k, v]) => [k, fmt(v)]),
      ...r.trace.nativeStages.map(([k, v]) => [`  native spawn stage: ${k}`, fmt(v)]),
    ]));
  }
  out.push('');
  out.push('notes: runc/crun get runc spec\'s defaults (read-only bind-mounted rootfs, no seccomp, no resource limits) plus cgroup and');
  out.push('user namespaces (0->100000, 65536); glassbox adds an overlay on a fresh tmpfs, memory/pids/cpu limits, Docker\'s seccomp');
  out.push('profile. `run` includes the runtime\'s own delete, so compare it with create..delete as well.');
  out.push(`start ratio vs crun: ${fmt(median(r.gb.untilExit) / median(r.crun.run))}`);
  return out.join('\n');
}
