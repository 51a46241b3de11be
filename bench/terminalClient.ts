// terminalClient.ts - a scripted learner for the terminal bench: socket.io-client with a cookie, a container, shells, timed keystrokes.
import { io, type Socket } from 'socket.io-client';
import { LIMITS, PROTOCOL_VERSION } from '../app/lib/protocol.ts';
import { onCleanup } from './cleanup.ts';

type Reply = { ok: boolean; message?: string; [k: string]: any };

/** One shell: the tail of its output, and whoever waits for the next chunk. */
export class BenchTerminal {
  tail = '';
  private waiters: Array<(t: bigint) => void> = [];
  constructor(readonly id: string, private readonly learner: Learner) {}

  received(text: string, at: bigint): void {
    this.tail = (this.tail + text).slice(-4096);
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w(at);
  }

  /** Resolves with the arrival time of the next output chunk, or null after timeoutMs. */
  nextOutput(timeoutMs: number): Promise<bigint | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== done); resolve(null); }, timeoutMs);
      const done = (t: bigint) => { clearTimeout(timer); resolve(t); };
      this.waiters.push(done);
    });
  }

  /** Fire-and-forget, as the browser sends keystrokes. */
  input(data: string): void { this.learner.socket.emit('terminal:input', { terminalId: this.id, data }); }

  /** Waits until the output ends with a shell prompt ("# " or "$ ", trailing escape sequences aside). */
  async prompt(timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!/[#$] (\x1b\[[0-9;?]*[a-zA-Z])*$/.test(this.tail)) {
      if (Date.now() > end) throw new Error(`no shell prompt in ${timeoutMs} ms; the terminal shows ${JSON.stringify(this.tail.slice(-200))}`);
      await this.nextOutput(Math.max(1, end - Date.now()));
    }
  }
}

export class Learner {
  readonly terminals = new Map<string, BenchTerminal>();
  private readonly unacked = new Map<string, number>();
  /** Output that came before terminal:open's reply (the server may send the prompt first). */
  private readonly early = new Map<string, string>();
  private readonly drop: () => void;

  private constructor(readonly socket: Socket) {
    this.drop = onCleanup('a bench socket', () => { socket.close(); });
    socket.on('terminal:output', ({ terminalId, data }: { terminalId: string; data: Uint8Array | ArrayBuffer }) => {
      const at = process.hrtime.bigint();
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
      // Flow control as the browser does it: acknowledge rendered chars in steps of LIMITS.ackEvery.
      const pending = (this.unacked.get(terminalId) ?? 0) + bytes.byteLength;
      if (pending >= LIMITS.ackEvery) {
        socket.emit('terminal:ack', { terminalId, chars: pending });
        this.unacked.set(terminalId, 0);
      } else this.unacked.set(terminalId, pending);
      const term = this.terminals.get(terminalId);
      if (term) term.received(text, at);
      else this.early.set(terminalId, ((this.early.get(terminalId) ?? '') + text).slice(-4096));
    });
  }

  /** A new learner: a page fetch for the cookie (as a browser would), a websocket with Origin, hello. */
  static async connect(base: string): Promise<Learner> {
    const res = await fetch(`${base}/`);
    await res.arrayBuffer();
    const cookie = /glassbox_learner=[a-f0-9]{32}/.exec(res.headers.get('set-cookie') ?? '')?.[0];
    if (!cookie) throw new Error(`no learner cookie from ${base}/`);
    const socket = io(base, { transports: ['websocket'], extraHeaders: { Cookie: cookie, Origin: base }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (e) => { socket.close(); reject(new Error(`socket refused: ${e.message}`)); });
    });
    const learner = new Learner(socket);
    await learner.call('hello', { version: PROTOCOL_VERSION });
    return learner;
  }

  /** An event with its ack; a Failure reply throws (the bench cannot go on without it). */
  async call(event: string, payload: unknown, timeoutMs = 60_000): Promise<Reply> {
    const reply = await this.ask(event, payload, timeoutMs);
    if (!reply.ok) throw new Error(`${event}: ${reply.message}${reply.hint ? ` (${reply.hint})` : ''}`);
    return reply;
  }

  /** An event with its ack; a Failure comes back as a value. */
  ask(event: string, payload: unknown, timeoutMs = 60_000): Promise<Reply> {
    return new Promise((resolve) => {
      this.socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, reply: Reply) =>
        resolve(err ? { ok: false, message: `no reply in ${timeoutMs} ms` } : reply));
    });
  }

  /** A playground container with the secure defaults (the busybox image). */
  async container(): Promise<string> {
    return (await this.call('playground:create', { config: '{}' })).containerId as string;
  }

  /** A shell in the container, once its prompt is there; `timing` gets the reply's and the prompt's ms. */
  async terminal(containerId: string, timing?: { open: number[]; prompt: number[] }): Promise<BenchTerminal> {
    const t0 = process.hrtime.bigint();
    const reply = await this.call('terminal:open', { containerId, cols: 80, rows: 24 });
    timing?.open.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const term = new BenchTerminal(reply.terminalId as string, this);
    this.terminals.set(term.id, term);
    term.received(String(reply.replay ?? '') + (this.early.get(term.id) ?? ''), process.hrtime.bigint());
    this.early.delete(term.id);
    await term.prompt();
    timing?.prompt.push(Number(process.hrtime.bigint() - t0) / 1e6);
    return term;
  }

  close(): void { this.socket.close(); this.drop(); }
}

export interface EchoSamples { ms: number[]; lost: number }

/**
 * Types into one shell at `perSecond` keys a second for `seconds`: 'a', then DEL (so the line never wraps), each
 * timed from the emit until the first output chunk after it. One key is in flight at a time: a slow echo delays the
 * next key rather than queueing behind it. `phaseMs` staggers terminals so they do not all type in the same tick.
 */
export async function typeAndTime(term: BenchTerminal, perSecond: number, seconds: number, phaseMs: number, into: EchoSamples): Promise<void> {
  const interval = 1000 / perSecond;
  const start = Date.now() + phaseMs;
  const keys = Math.round(perSecond * seconds);
  for (let i = 0; i < keys; i++) {
    const wait = start + i * interval - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const echo = term.nextOutput(2_000);
    const t0 = process.hrtime.bigint();
    term.input(i % 2 === 0 ? 'a' : '\x7f');
    const at = await echo;
    if (at === null) into.lost++;
    else into.ms.push(Number(at - t0) / 1e6);
  }
  // leave the line empty for whoever comes next
  term.input('\x15');
  await term.nextOutput(500);
}

