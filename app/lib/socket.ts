// socket.ts - the browser's one socket.io connection: hello first, typed call() with a timeout, and re-setup after a reconnect.
'use client';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from './limits.ts';
import type { ClientEventName, ClientPayload, Failure, Replies, ServerEvents } from './protocol.ts';

export type ConnectionState = 'connecting' | 'ready' | 'offline' | 'refused';
export type ServerEventName = keyof ServerEvents;
export type ServerMessage<E extends ServerEventName> = Parameters<ServerEvents[E]>[0];

const DEFAULT_TIMEOUT_MS = 10_000;

// Untyped underneath: socket.io's ack-with-timeout typing fights our Result<> replies; call() restores the types.
let socket: Socket | null = null;
let state: ConnectionState = 'connecting';
let stateDetail: Failure | null = null;
/** Bumped after each successful hello: a new generation means terminals and watches must be set up again. */
let generation = 0;
/** hello has been sent on the current connection (its answer may still be on the way). */
let greeted = false;
let greetWaiters: Array<() => void> = [];
const stateListeners = new Set<() => void>();
const readyListeners = new Set<(generation: number) => void>();

function setState(next: ConnectionState, detail: Failure | null = null): void {
  state = next;
  stateDetail = detail;
  for (const listener of stateListeners) listener();
}

function connect(): Socket {
  if (socket) return socket;
  // Same origin, websocket only: the server refuses long-polling (one transport to check Origin on).
  socket = io({ transports: ['websocket'], autoConnect: true, reconnectionDelayMax: 5_000 });
  socket.on('connect', () => {
    setState('connecting');
    // ttyd's habit: the first message says who we are; the server accepts nothing before it. It handles a socket's
    // messages in order, so calls need not wait for the answer: they follow the greeting at once (one round trip less).
    greeted = true;
    const calls = greetWaiters;
    greetWaiters = [];
    queueMicrotask(() => { for (const go of calls) go(); });
    socket!.timeout(DEFAULT_TIMEOUT_MS).emit('hello', { version: PROTOCOL_VERSION }, (err: Error | null, reply?: Replies['hello']) => {
      if (err || !reply) return setState('offline', { ok: false, message: 'the server did not answer the greeting', hint: 'reload the page' });
      if (!reply.ok) return setState('refused', reply);
      generation += 1;
      setState('ready');
      for (const listener of readyListeners) listener(generation);
    });
  });
  socket.on('disconnect', () => { greeted = false; setState('offline'); });
  socket.on('connect_error', () => setState('offline', { ok: false, message: 'cannot reach the Glassbox server', hint: 'is `glassbox serve` still running? retrying…' }));
  return socket;
}

/** Resolves true once hello is on its way on a live connection (calls may follow it), false after timeoutMs. */
function whenGreeted(timeoutMs: number): Promise<boolean> {
  connect();
  if (greeted && state !== 'refused') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      greetWaiters = greetWaiters.filter((w) => w !== done);
      resolve(false);
    }, timeoutMs);
    const done = () => { clearTimeout(timer); resolve(state !== 'refused'); };
    greetWaiters.push(done);
  });
}

/** Emits a client event and resolves with the server's Result; never rejects (a timeout is a Failure too). */
export async function call<E extends Exclude<ClientEventName, 'hello'>>(event: E, payload: ClientPayload<E>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Replies[E]> {
  const started = Date.now();
  if (!(await whenGreeted(timeoutMs))) {
    return { ok: false, message: 'not connected to the Glassbox server', hint: stateDetail?.hint ?? 'check that the server runs, then reload' } as Replies[E];
  }
  const left = Math.max(1_000, timeoutMs - (Date.now() - started));
  return new Promise((resolve) => {
    socket!.timeout(left).emit(event, payload, (err: Error | null, reply?: Replies[E]) => {
      if (err || !reply) resolve({ ok: false, message: `the server did not answer ${event} in time`, hint: 'the connection may be slow; try again' } as Replies[E]);
      else resolve(reply);
    });
  });
}

/** Fire-and-forget for hot paths (keystrokes, acks): no waiting for a reply, dropped while disconnected. */
export function send<E extends 'terminal:input' | 'terminal:ack' | 'terminal:resize'>(event: E, payload: ClientPayload<E>): void {
  if (!socket || state !== 'ready') return;
  // Still with an ack callback: the server always answers, and a failure there is worth a console line.
  socket.emit(event, payload, (reply: Replies[E]) => {
    if (reply && !reply.ok) console.warn(`${event}: ${reply.message}`);
  });
}

/** Subscribes to a pushed server event; returns the unsubscribe function. */
export function on<E extends ServerEventName>(event: E, handler: (msg: ServerMessage<E>) => void): () => void {
  const s = connect();
  const name: string = event; // untyped underneath (see above)
  const listener = handler as (...args: any[]) => void;
  s.on(name, listener);
  return () => { s.off(name, listener); };
}

/** Runs setup now if connected, and again after every reconnect (re-open terminals, re-watch panels). */
export function onReady(setup: (generation: number) => void): () => void {
  connect();
  readyListeners.add(setup);
  if (state === 'ready') setup(generation);
  return () => { readyListeners.delete(setup); };
}

export function connectionState(): { state: ConnectionState; detail: Failure | null } {
  return { state, detail: stateDetail };
}

export function onStateChange(listener: () => void): () => void {
  connect();
  stateListeners.add(listener);
  return () => { stateListeners.delete(listener); };
}

// Connect (and greet) as soon as this module runs in the browser, while React is still hydrating the page: the
// first call then finds the socket ready instead of opening it.
if (typeof window !== 'undefined') connect();
