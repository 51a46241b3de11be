// glassbox.ts - the glassbox side of the start bench: in-process create/start/wait/delete, and exec through glassbox-enter.
import { spawnSync } from 'node:child_process';
import { Container } from '../server/engine/container.ts';
import { secureDefaults } from '../server/engine/config/index.ts';
import { buildDefaultImage, resolveImage, type ResolvedImage } from '../server/engine/images/index.ts';
import { onCleanup } from './cleanup.ts';
import { msSince } from './stats.ts';

export interface StartSamples { create: number[]; start: number[]; wait: number[]; untilExit: number[]; delete: number[] }

/** The stored busybox image, built from Debian's busybox-static the first time. */
export async function busyboxImage(log: (msg: string) => void): Promise<ResolvedImage> {
  try {
    return await resolveImage('busybox');
  } catch {
    log('building the busybox image (first run)');
    return buildDefaultImage({ onProgress: log });
  }
}

/**
 * A created container and its one delete. The undo is registered before create starts, so a Ctrl-C during create
 * still deletes what create makes; and the registry and the bench share one delete (two would race on the cgroup).
 */
async function createTracked(image: ResolvedImage, args: string[], startNow = false): Promise<{ c: Container; remove: () => Promise<void> }> {
  const creating = Container.create({ config: secureDefaults({ args }), image, startNow });
  let deleting: Promise<void> | null = null;
  const del = async () => {
    const c = await creating.catch(() => null); // a failed create has cleaned up after itself
    if (c) await (deleting ??= c.delete());
  };
  const done = onCleanup('a glassbox container', del);
  try {
    const c = await creating;
    return { c, remove: async () => { await del(); done(); } };
  } catch (e) {
    done();
    throw e;
  }
}

/** One container running `true`: create → start → wait (until `true` has exited), then delete, each timed. */
async function oneRun(image: ResolvedImage, into?: StartSamples): Promise<void> {
  const t0 = process.hrtime.bigint();
  // create and start in one step (Container.create's startNow): what `glassbox run` and the lab do
  const { c, remove } = await createTracked(image, ['/bin/true'], true);
  const create = msSince(t0);
  const start = 0;
  const t2 = process.hrtime.bigint();
  const exit = await c.wait();
  const wait = msSince(t2);
  const untilExit = msSince(t0);
  const t3 = process.hrtime.bigint();
  await remove();
  const del = msSince(t3);
  if (exit.code !== 0) throw new Error(`glassbox: /bin/true exited with ${exit.code} (signal ${exit.signal})`);
  if (into) {
    into.create.push(create);
    into.start.push(start);
    into.wait.push(wait);
    into.untilExit.push(untilExit);
    into.delete.push(del);
  }
}

export function emptyStartSamples(): StartSamples {
  return { create: [], start: [], wait: [], untilExit: [], delete: [] };
}

/** `count` containers running `true`, timed into `into` (or thrown away: warm-ups). */
export async function glassboxRuns(image: ResolvedImage, count: number, into?: StartSamples): Promise<void> {
  for (let i = 0; i < count; i++) await oneRun(image, into);
}

/** A started container running `sleep 1000`, the target for the exec measurements. */
export async function glassboxSleeper(image: ResolvedImage): Promise<{ c: Container; remove: () => Promise<void> }> {
  const { c, remove } = await createTracked(image, ['/bin/sleep', '1000']);
  await c.start();
  return { c, remove };
}

/** spawnSync a command `count` times, each timed; stderr is kept to explain a failure, stdout discarded. */
function timeSpawns(what: string, file: string, args: string[], count: number, env?: NodeJS.ProcessEnv): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    const ms = msSince(t0);
    if (r.error) throw new Error(`${what}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${what}: exit ${r.status ?? r.signal}: ${r.stderr.toString().trim().split('\n').pop()}`);
    out.push(ms);
  }
  return out;
}

/** Exec `true` into the sleeper through glassbox-enter, as Container.exec runs it (an empty environment). */
export function enterTimes(c: Container, count: number): number[] {
  const cmd = c.enterCommand(['/bin/true']);
  return timeSpawns('glassbox-enter', cmd.file, cmd.args, count, {});
}

/** Exec `true` into the sleeper with util-linux nsenter: every namespace of its init, nothing else (no cgroup, caps, seccomp). */
export function nsenterTimes(c: Container, count: number): number[] {
  return timeSpawns('nsenter', 'nsenter', ['-a', '-t', String(c.pid), 'true'], count);
}
