// terminal.ts - `npm run bench -- terminal`: the browser lab's latencies and memory, one run against the real server in a child process.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { UserError } from '../server/engine/errors.ts';
import { cleanupAll, cleanupOnSignals } from './cleanup.ts';
import { STAGES, timePrompt, type PromptFlow, type PromptResult } from './terminalBrowser.ts';
import { Learner, typeAndTime, type BenchTerminal, type EchoSamples } from './terminalClient.ts';
import { prepareRoot, spawnServer } from './terminalServer.ts';
import { fmt, median, quantile, table } from './stats.ts';

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LESSON = '01-what-is-a-container';
/** The browsers' sessions end this long after their page closes, so their containers are gone before the 50 come. */
const GRACE_MS = 1000;

interface Options { learners: number; terminals: number; rate: number; seconds: number; touches: number }

function options(args: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({ args, options: {
      learners: { type: 'string' }, terminals: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, touches: { type: 'string' },
    } }));
  } catch (e) {
    throw new UserError((e as Error).message, 'usage: npm run bench -- terminal [--learners 5] [--terminals 50] [--rate 20] [--seconds 10] [--touches 10]');
  }
  const int = (v: string | undefined, dflt: number, min: number, max: number, what: string) => {
    const x = v === undefined ? dflt : Number(v);
    if (!Number.isInteger(x) || x < min || x > max) throw new UserError(`--${what} wants a whole number from ${min} to ${max}, not ${v}`);
    return x;
  };
  return {
    learners: int(values.learners, 5, 1, 50, 'learners'), terminals: int(values.terminals, 50, 1, 200, 'terminals'),
    rate: int(values.rate, 20, 1, 100, 'rate'), seconds: int(values.seconds, 10, 1, 120, 'seconds'), touches: int(values.touches, 10, 1, 100, 'touches'),
  };
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

type OverlayResult = { ms: number[]; lost: number } | { na: string };
type OverlayMsg = { mode: string; entries: Array<{ path: string }> };

/**
 * watch:start ['overlay'] on a fresh container, then `touch /tmp/x-N` typed into its shell, timed from the emit of that
 * command line until a panel:overlay message naming tmp/x-N arrives. An upper bound on write → event: it includes the
 * keystrokes' trip to the shell and the fork and exec of touch (about one echo latency plus a millisecond or two).
 */
async function timeOverlay(base: string, touches: number): Promise<OverlayResult> {
  const learner = await Learner.connect(base);
  try {
    const containerId = await learner.container();
    const term = await learner.terminal(containerId);
    let waiting: { name: string; resolve: (t: bigint) => void } | null = null;
    let snapshots = 0;
    learner.socket.on('panel:overlay', (msg: OverlayMsg) => {
      const at = process.hrtime.bigint();
      if (msg.mode === 'full') snapshots++;
      if (waiting && msg.entries.some((e) => e.path.replace(/^\/+/, '') === waiting!.name)) waiting.resolve(at);
    });
    const started = await learner.ask('watch:start', { containerId, panels: ['overlay'] });
    if (!started.ok) return { na: /not available/.test(started.message ?? '') ? 'n/a (live panels not available)' : `n/a (${started.message})` };
    await until('the first overlay snapshot', () => snapshots > 0, 10_000);
    const ms: number[] = [];
    let lost = 0;
    for (let i = 1; i <= touches; i++) {
      const name = `tmp/x-${i}`;
      const event = new Promise<bigint | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), 5_000);
        waiting = { name, resolve: (t) => { clearTimeout(timer); resolve(t); } };
      });
      const t0 = process.hrtime.bigint();
      term.input(`touch /${name}\r`);
      const at = await event;
      waiting = null;
      if (at === null) lost++;
      else ms.push(Number(at - t0) / 1e6);
      await term.prompt();
      await sleep(100);
    }
    await learner.ask('watch:stop', { containerId });
    return { ms, lost };
  } finally {
    learner.close();
  }
}

/** `n` learners, each with one playground container and one shell at its prompt; made a few at a time. */
interface SetupTimes { create: number[]; open: number[]; prompt: number[] }

async function learners(base: string, n: number, times: SetupTimes): Promise<BenchTerminal[]> {
  const terms: BenchTerminal[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const learner = await Learner.connect(base);
      const t0 = process.hrtime.bigint();
      const containerId = await learner.container();
      times.create.push(Number(process.hrtime.bigint() - t0) / 1e6);
      terms.push(await learner.terminal(containerId, times));
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, n) }, worker));
  return terms;
}

const MiB = (kib: number) => `${(kib / 1024).toFixed(0)} MB`;
const pq = (s: EchoSamples) => `${fmt(median(s.ms))} / ${fmt(quantile(s.ms, 0.99))} ms`;

export async function runTerminalBench(args: string[]): Promise<void> {
  const opts = options(args);
  if (process.getuid?.() !== 0) throw new UserError('the terminal bench runs the lab server and real containers, and must run as root', 'sudo npm run bench -- terminal');
  cleanupOnSignals();
  const began = Date.now();
  try {
    const { runRoot } = await prepareRoot(log);
    const server = await spawnServer(runRoot, GRACE_MS, log);
    log(`server pid ${server.pid} at ${server.url}`);
    await sleep(1000);
    const baseline = server.memory();

    const quiet = () => until('the previous learner\'s container to be reaped', () => server.containers() === 0, 60_000);
    const prompts = {} as Record<PromptFlow, PromptResult>;
    for (const flow of ['pick', 'url'] as const) {
      log(`prompt (${flow}): ${opts.learners} fresh browser learners open lesson ${LESSON} ${flow === 'pick' ? 'from the home page' : 'by its URL'} (after one warm-up)`);
      prompts[flow] = await timePrompt(flow, server.url, LESSON, opts.learners, log, quiet)
        .catch((e) => ({ na: `n/a (${(e as Error).message.split('\n')[0].slice(0, 60)})` }));
    }

    log(`panel: ${opts.touches} touches watched by the overlay panel`);
    const overlay = await timeOverlay(server.url, opts.touches);

    await until('the earlier learners\' containers to be reaped', () => server.containers() === 0, 60_000);
    log(`sessions: ${opts.terminals} learners, each with one container and one shell`);
    const t0 = Date.now();
    const setup: SetupTimes = { create: [], open: [], prompt: [] };
    const terms = await learners(server.url, opts.terminals, setup);
    log(`  ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; idling 3 s`);
    await sleep(3000);
    const idle = server.memory();
    const live = server.containers();

    log(`echo: 1 terminal typing ${opts.rate} keys/s for ${opts.seconds} s (the others idle)`);
    const one: EchoSamples = { ms: [], lost: 0 };
    await typeAndTime(terms[0], opts.rate, opts.seconds, 0, one);
    log(`echo: ${terms.length} terminals typing ${opts.rate} keys/s each for ${opts.seconds} s`);
    const all: EchoSamples = { ms: [], lost: 0 };
    const interval = 1000 / opts.rate;
    await Promise.all(terms.map((t, i) => typeAndTime(t, opts.rate, opts.seconds, (i * interval) / terms.length, all)));
    const busy = server.memory();

    const promptCell = (p: PromptResult) => 'na' in p ? p.na : `${fmt(median(p.ms), 0)} ms (${fmt(Math.min(...p.ms), 0)}-${fmt(Math.max(...p.ms), 0)})`;
    const overlayCell = 'na' in overlay ? overlay.na : `${fmt(median(overlay.ms), 1)} / ${fmt(Math.max(...overlay.ms), 1)} ms${overlay.lost ? `, ${overlay.lost} lost` : ''}`;
    const lost = (s: EchoSamples) => (s.lost ? `, ${s.lost} unanswered in 2 s` : '');
    process.stdout.write(`\n${table(['measure', 'result', 'target', 'how'], [
      [`lesson picked -> shell prompt in the browser, median (min-max)`, promptCell(prompts.pick), '<= 300 ms', `${opts.learners} fresh Chromium contexts: home page, click the card -> "#" in .xterm-rows`],
      [`lesson URL, cold -> shell prompt, median (min-max)`, promptCell(prompts.url), '', `${opts.learners} fresh Chromium contexts: goto (new renderer, empty cache) -> "#"`],
      ['keystroke -> echo p50 / p99, 1 terminal', pq(one) + lost(one), '', `${one.ms.length} keys at ${opts.rate}/s, ${terms.length - 1} others idle`],
      [`keystroke -> echo p50 / p99, ${terms.length} terminals`, pq(all) + lost(all), '<= 10 ms p99', `${all.ms.length} keys, all ${terms.length} typing ${opts.rate}/s at once`],
      ['file write -> overlay panel event, p50 / max', overlayCell, '<= 100 ms', `${opts.touches}x "touch /tmp/x-N" typed; from the emit`],
      [`server RSS, ${live} idle sessions`, MiB(idle.rssKiB), '<= 400 MB', `VmRSS of the server process; ${MiB(baseline.rssKiB)} with none`],
      [`server RSS after the typing (peak)`, `${MiB(busy.rssKiB)} (${MiB(busy.hwmKiB)})`, '', 'VmRSS (VmHWM)'],
    ])}\n\n`);
    for (const [flow, from] of [['pick', 'the click'], ['url', 'goto']] as const) {
      const prompt = prompts[flow];
      if ('na' in prompt) continue;
      const parts = STAGES.filter((k) => prompt.stages[k].length).map((k) => `${k} ${fmt(median(prompt.stages[k]), 0)}`);
      process.stdout.write(`prompt (${flow}), median ms from ${from}: ${parts.join(', ')}, prompt ${fmt(median(prompt.ms), 0)}\n`);
    }
    process.stdout.write(`setting up the ${terms.length} (4 at a time), median ms: playground:create ${fmt(median(setup.create), 0)}, `
      + `terminal:open reply ${fmt(median(setup.open), 0)}, prompt ${fmt(median(setup.prompt), 0)}\n`);
    process.stdout.write(`echo: time from socket.emit('terminal:input', 'a' or DEL) to the next terminal:output chunk, measured in the bench process\n`);
    process.stdout.write(`(socket.io-client over loopback websocket; one key in flight per terminal; the server batches pty output for up to 5 ms).\n`);
    process.stdout.write(`${os.cpus().length} cores, kernel ${os.release()}, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; the bench took ${((Date.now() - began) / 1000).toFixed(0)} s before cleanup.\n`);
  } finally {
    log('cleaning up: sockets, server (deletes its containers), temp root');
    await cleanupAll();
  }
}
