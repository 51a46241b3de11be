// index.ts - socket.io on the HTTP server: who may connect (Host, Origin, cookie), hello first, then validated, rate-limited handlers.
import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { PROTOCOL_VERSION, clientEvents, parseClient, type ClientEventName, type Failure } from '../../app/lib/protocol.ts';
import { NativeError, UserError } from '../engine/errors.ts';
import { learnerIdFrom } from '../sessions/identity.ts';
import type { Sessions } from '../sessions/manager.ts';
import type { Client, LearnerSession } from '../sessions/session.ts';
import { handlers, type Ctx } from './handlers.ts';
import { hostAllowed, originAllowed, type HostPolicy } from './origin.ts';
import { RateLimiter } from './rate.ts';

export const MAX_MESSAGE_BYTES = 64 * 1024;
export const HELLO_TIMEOUT_MS = 10_000;
const SERVER_VERSION = '0.1.0';

/** Why a handshake is refused (null: accepted). Exported for the tests and the HTTP side. */
export function refuseHandshake(req: http.IncomingMessage, policy: HostPolicy): string | null {
  if (!hostAllowed(req.headers.host, policy)) return 'host not allowed';
  if (!originAllowed(req.headers.origin, req.headers.host)) return 'origin not allowed';
  if (!learnerIdFrom(req)) return 'no learner cookie';
  return null;
}

/** A bug becomes one line in the log (once per message) and a plain "internal error" for the browser. */
const logged = new Set<string>();
function toFailure(e: unknown, log: (line: string) => void): Failure {
  if (e instanceof UserError) return e.hint ? { ok: false, message: e.message, hint: e.hint } : { ok: false, message: e.message };
  if (e instanceof NativeError) return { ok: false, message: e.message };
  const line = `internal error: ${(e as Error)?.stack ?? String(e)}`;
  if (!logged.has(line) && logged.size < 1000) { logged.add(line); log(line); }
  return { ok: false, message: 'internal error' };
}

export function attachSockets(server: http.Server, sessions: Sessions, policy: HostPolicy): Server {
  const log = sessions.lab.log;
  const io = new Server(server, {
    transports: ['websocket'], // one transport, whose handshake carries Origin and the cookie
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    cors: undefined,
    allowRequest: (req, callback) => {
      const why = refuseHandshake(req, policy);
      callback(why, why === null);
    },
  });

  io.on('connection', (socket: Socket) => {
    const learnerId = learnerIdFrom(socket.request);
    if (!learnerId) { socket.disconnect(true); return; }
    const client: Client = { id: socket.id, emit: (event, msg) => { socket.emit(event, msg); } };
    const limiter = new RateLimiter();
    let session: LearnerSession | null = null;
    const helloTimer = setTimeout(() => { if (!session) socket.disconnect(true); }, HELLO_TIMEOUT_MS);

    const sink = (terminalId: string) => ({
      output: (data: Buffer) => { socket.emit('terminal:output', { terminalId, data }); }, // a Buffer: one binary frame
      exit: (code: number) => { socket.emit('terminal:exit', { terminalId, code }); },
    });

    const refuse = (reply: (r: unknown) => void, failure: Failure) => {
      reply(failure);
      if (limiter.strike()) { log(`disconnecting a socket of learner ${learnerId.slice(0, 8)}: too many refused messages`); socket.disconnect(true); }
    };

    for (const event of Object.keys(clientEvents) as ClientEventName[]) {
      socket.on(event, async (payload: unknown, ack?: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
        try {
          if (!limiter.allow(event)) return refuse(reply, { ok: false, message: `${event}: too many messages`, hint: 'slow down' });
          const parsed = parseClient(event, payload);
          if (!parsed.ok) return refuse(reply, parsed);
          if (event === 'hello') {
            if (session) return reply({ ok: true, learnerId, serverVersion: SERVER_VERSION });
            clearTimeout(helloTimer);
            session = sessions.connect(learnerId, client);
            return reply({ ok: true, learnerId, serverVersion: SERVER_VERSION });
          }
          // ttyd's rule: nothing before hello; a client that tries is not one of ours
          if (!session) { reply({ ok: false, message: 'say hello first', hint: 'reload the page' }); socket.disconnect(true); return; }
          if (session.disposed) return reply({ ok: false, message: 'the session has ended', hint: 'reload the page' });
          const ctx: Ctx = { session, client, sink };
          const handler = handlers[event as Exclude<ClientEventName, 'hello'>] as (c: Ctx, m: unknown) => unknown;
          reply(await handler(ctx, parsed.value));
        } catch (e) {
          reply(toFailure(e, log));
        }
      });
    }
    // Events nobody declared count as strikes (a well-behaved client sends none).
    socket.onAny((event: string) => {
      if (!Object.hasOwn(clientEvents, event) && limiter.strike()) socket.disconnect(true);
    });

    socket.on('disconnect', () => {
      clearTimeout(helloTimer);
      if (session) sessions.disconnect(learnerId, client);
    });
  });
  return io;
}

export { PROTOCOL_VERSION };
