// testing.ts - helpers of the watchers' tests: a recording emit and a wait for a matching message.
import type { ServerEvents } from '../../app/lib/protocol.ts';
import type { Emit } from './index.ts';

export interface Recorded { event: keyof ServerEvents; msg: any; at: number }

export function recorder() {
  const seen: Recorded[] = [];
  const waiters = new Set<() => void>();
  const emit: Emit = (event, msg) => {
    seen.push({ event, msg, at: Date.now() });
    for (const w of waiters) w();
  };
  /** The first message (already seen or still to come) of `event` that satisfies ok(); rejects after ms. */
  const next = <E extends keyof ServerEvents>(event: E, ok: (msg: Parameters<ServerEvents[E]>[0]) => boolean, ms = 10_000, from = 0): Promise<Recorded> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = seen.slice(from).find((r) => r.event === event && ok(r.msg));
        if (hit) { waiters.delete(check); clearTimeout(timer); resolve(hit); }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${event} message matched within ${ms} ms; last: ${JSON.stringify(seen.filter((r) => r.event === event).at(-1)?.msg)?.slice(0, 2000)}`));
      }, ms);
      waiters.add(check);
      check();
    });
  return { emit, seen, next };
}
