// handlers.ts - one handler per client event: the payload is already parsed; each authorises (the learner owns it), acts, replies.
import type { ClientEventName, ClientPayload, Replies } from '../../app/lib/protocol.ts';
import { UserError } from '../engine/errors.ts';
import { resolveImage } from '../engine/images/index.ts';
import { checkStep, listLessons, openLesson } from '../sessions/lessons.ts';
import { playgroundConfig } from '../sessions/playground.ts';
import { fail, type Client, type LearnerSession } from '../sessions/session.ts';
import type { TerminalSink } from '../terminals/terminal.ts';

export interface Ctx {
  session: LearnerSession;
  client: Client;
  /** The socket's stream for one terminal: binary frames of output, and its exit. */
  sink(terminalId: string): TerminalSink;
}

type Handler<E extends ClientEventName> = (ctx: Ctx, msg: ClientPayload<E>) => Promise<Replies[E]> | Replies[E];
type Handlers = { [E in Exclude<ClientEventName, 'hello'>]: Handler<E> };

const OK = { ok: true as const };

export const handlers: Handlers = {
  'lessons:list': ({ session }) => listLessons(session),

  'lesson:open': async ({ session, client, sink }, { lessonId, terminal }) => {
    const opened = await openLesson(session, lessonId);
    if (!opened.ok || !terminal) return opened;
    const { terminalId, cols, rows } = terminal;
    let shell = await session.openTerminal(client, opened.containerId, terminalId, cols, rows, sink);
    // The page's stored shell is gone (the grace period ended, the container was replaced): the lesson's fresh one.
    if (!shell.ok && terminalId) shell = await session.openTerminal(client, opened.containerId, undefined, cols, rows, sink);
    return { ...opened, terminal: shell };
  },

  'step:check': ({ session }, { lessonId, stepId }) => checkStep(session, lessonId, stepId),

  'terminal:open': ({ session, client, sink }, { containerId, terminalId, cols, rows }) =>
    session.openTerminal(client, containerId, terminalId, cols, rows, sink),

  'terminal:input': ({ session }, { terminalId, data }) => {
    const t = session.terminal(terminalId);
    if ('ok' in t) return t;
    t.input(data);
    return OK;
  },

  'terminal:resize': ({ session }, { terminalId, cols, rows }) => {
    const t = session.terminal(terminalId);
    if ('ok' in t) return t;
    t.resize(cols, rows);
    return OK;
  },

  'terminal:ack': ({ session }, { terminalId, chars }) => {
    const t = session.terminal(terminalId);
    if ('ok' in t) return t;
    t.ack(chars);
    return OK;
  },

  'terminal:close': ({ session }, { terminalId }) => {
    const t = session.terminal(terminalId);
    if ('ok' in t) return t;
    session.closeTerminal(terminalId);
    return OK;
  },

  'watch:start': ({ session, client }, { containerId, panels }) => session.watchStart(client, containerId, panels) ?? OK,

  'watch:stop': ({ session, client }, { containerId }) => {
    const held = session.owned(containerId);
    if ('ok' in held) return held;
    session.watchStop(client, containerId);
    return OK;
  },

  'playground:create': async ({ session }, { config: text }) => {
    const config = playgroundConfig(text); // a UserError names the field
    return session.serial(async () => {
      const held = await session.createContainer({ config, image: await playgroundImage() }, 'playground');
      return { ok: true as const, containerId: held.container.id, config: JSON.stringify(config, null, 2) };
    });
  },

  'playground:delete': async ({ session }, { containerId }) => {
    const held = session.owned(containerId);
    if ('ok' in held) return held;
    if (held.kind !== 'playground') return fail('that is a lesson container, not a playground one');
    await session.removeContainer(containerId, 'deleted');
    return OK;
  },
};

/** The playground runs the default image (busybox). */
async function playgroundImage() {
  try {
    return await resolveImage('busybox');
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message, 'run the set-up (scripts/setup.sh): it builds the default image');
    throw e;
  }
}
