// protocol.ts - every socket.io event between the browser and the server, with its zod schema; no event name is written anywhere else.
// The server imports it whole; the browser imports only its types (values come from limits.ts): zod only, no Node or DOM imports.
import { z } from 'zod';

import { ID_PATTERN, LIMITS, NS_TYPES, PANELS, PROTOCOL_VERSION, type NsType, type PanelName } from './limits.ts';

// The constants live in limits.ts (the browser's bundle takes them from there, without zod); re-exported for the server.
export { LIMITS, NS_TYPES, PANELS, PROTOCOL_VERSION, type NsType, type PanelName };

const id = z.string().regex(ID_PATTERN, 'must be a short lower-case name');
const containerId = z.string().regex(/^[a-f0-9]{12}$/, 'must be a container id');
const terminalId = z.string().regex(/^t[a-f0-9]{12}$/, 'must be a terminal id');
const cols = z.number().int().min(LIMITS.cols.min).max(LIMITS.cols.max);
const rows = z.number().int().min(LIMITS.rows.min).max(LIMITS.rows.max);

// ---- client → server: each is emitted with an ack callback receiving Result<...> ---------------------

export const clientEvents = {
  /** The first message on a socket; nothing else is accepted before it (ttyd's habit). */
  hello: z.strictObject({ version: z.literal(PROTOCOL_VERSION) }),
  'lessons:list': z.strictObject({}),
  /** Opens a lesson: its content, the learner's progress, and the learner's container for it (made or reused).
   *  With `terminal`, also its shell (re-attached by id, or the one the server started ahead, or a new one): the
   *  page's first terminal comes back in the same round trip as the lesson. */
  'lesson:open': z.strictObject({ lessonId: id, terminal: z.strictObject({ terminalId: terminalId.optional(), cols, rows }).optional() }),
  /** Runs the step's check now (also run automatically after each command, debounced). */
  'step:check': z.strictObject({ lessonId: id, stepId: id }),
  /** A new terminal in one of the learner's containers, or (with terminalId) re-attach to one after a reconnect. */
  'terminal:open': z.strictObject({ containerId, terminalId: terminalId.optional(), cols, rows }),
  'terminal:input': z.strictObject({ terminalId, data: z.string().max(LIMITS.inputBytes) }),
  'terminal:resize': z.strictObject({ terminalId, cols, rows }),
  /** Characters the browser has rendered (xterm's write callback), for flow control. */
  'terminal:ack': z.strictObject({ terminalId, chars: z.number().int().min(0).max(10_000_000) }),
  'terminal:close': z.strictObject({ terminalId }),
  /** Start or stop the live panels of one of the learner's containers; sampling runs only while someone watches. */
  'watch:start': z.strictObject({ containerId, panels: z.array(z.enum(PANELS)).min(1).max(PANELS.length) }),
  'watch:stop': z.strictObject({ containerId }),
  /** Playground: a container from an edited config.json (a partial OCI config merged over the secure defaults). */
  'playground:create': z.strictObject({ config: z.string().max(LIMITS.configBytes) }),
  'playground:delete': z.strictObject({ containerId }),
} as const;
export type ClientEventName = keyof typeof clientEvents;
export type ClientPayload<E extends ClientEventName> = z.infer<(typeof clientEvents)[E]>;

// ---- replies (acks) -----------------------------------------------------------------------------

/** Expected failures are values, never exceptions across the wire. */
export type Failure = { ok: false; message: string; hint?: string };
export type Result<T> = ({ ok: true } & T) | Failure;

export const lessonSummary = z.object({
  id, title: z.string(), summary: z.string(), order: z.number(), minutes: z.number(),
  steps: z.number().int(), done: z.number().int(),
});
export type LessonSummary = z.infer<typeof lessonSummary>;

export const stepStatus = z.enum(['pending', 'checking', 'done', 'failed']);
export type StepStatus = z.infer<typeof stepStatus>;

export const lessonStep = z.object({ id, title: z.string(), markdown: z.string(), status: stepStatus, hint: z.string().optional() });
export type LessonStep = z.infer<typeof lessonStep>;

export const lessonContent = z.object({
  id, title: z.string(), summary: z.string(), markdown: z.string(), steps: z.array(lessonStep),
  challenge: lessonStep.optional(),
});
export type LessonContent = z.infer<typeof lessonContent>;

/** A shell opened or re-attached: its id, and the screen as it is now (serialized), written before any live output. */
export type TerminalOpened = Result<{ terminalId: string; replay: string }>;

export interface Replies {
  hello: Result<{ learnerId: string; serverVersion: string }>;
  'lessons:list': Result<{ lessons: LessonSummary[] }>;
  'lesson:open': Result<{ lesson: LessonContent; containerId: string; /** when asked for */ terminal?: TerminalOpened }>;
  'step:check': Result<{ status: StepStatus; hint?: string }>;
  'terminal:open': TerminalOpened;
  'terminal:input': Result<object>;
  'terminal:resize': Result<object>;
  'terminal:ack': Result<object>;
  'terminal:close': Result<object>;
  'watch:start': Result<object>;
  'watch:stop': Result<object>;
  'playground:create': Result<{ containerId: string; config: string /* the effective config.json */ }>;
  'playground:delete': Result<object>;
}

// ---- server → client: pushed ---------------------------------------------------------------------

export interface NsProcess { hostPid: number; nsPid: number[] /* NSpid: host first, innermost last */; comm: string; ns: Partial<Record<NsType, number>> }
export interface NsPanel { containerId: string; host: Partial<Record<NsType, number>>; processes: NsProcess[]; hostname: string | null; changed: string[] /* "<hostPid>:<type>" whose inode changed since the last update */ }
export interface CgroupPanel {
  containerId: string; version: 1 | 2; dirs: string[];
  memoryCurrent: number; memoryMax: number | null; memoryEvents: { oom: number; oomKill: number };
  pidsCurrent: number; pidsMax: number | null; cpuUsageUsec: number; nrPeriods: number; nrThrottled: number; throttledUsec: number;
  /** the real file names and values, as the learner would `cat` them */
  files: Record<string, string>;
  time: number;
}
export type OverlayKind = 'new' | 'copied-up' | 'whiteout' | 'opaque';
export interface OverlayEntry { path: string; kind: OverlayKind; type: 'file' | 'dir' | 'symlink' | 'other'; size: number }
export interface OverlayPanel {
  containerId: string; layers: Array<{ digest: string }>; upperDir: string;
  /** full: the whole upper dir (on watch:start and after overflow); delta: changed paths only */
  mode: 'full' | 'delta'; entries: OverlayEntry[]; removed: string[];
  /** the upper dir holds more than the panel shows (entries or watched directories bounded); a later full snapshot may add them */
  truncated?: boolean;
}
export interface ProcessNode { hostPid: number; pid: number; ppid: number; comm: string; args: string; uid: number; state: string; children: ProcessNode[] }
export interface ProcessPanel { containerId: string; tree: ProcessNode[] }
export interface SeccompDenial { syscall: string; nr: number; hostPid: number; comm: string; time: number }
export interface SecurityPanel {
  containerId: string;
  capabilities: { effective: string[]; permitted: string[]; inheritable: string[]; bounding: string[]; ambient: string[] };
  noNewPrivs: boolean; seccomp: { mode: 'disabled' | 'strict' | 'filter'; profile: string };
  /** new denials since the last update (a live feed) */
  denials: SeccompDenial[];
  /** false when the kernel's audit feed cannot be read here (the reason says why): an empty feed then means nothing */
  denialsAvailable?: boolean;
  /** why the feed is unavailable, or that denials were dropped (rate bound) */
  denialsNote?: string;
}

export interface ServerEvents {
  'terminal:output': (msg: { terminalId: string; data: Uint8Array }) => void;
  'terminal:exit': (msg: { terminalId: string; code: number }) => void;
  'panel:ns': (msg: NsPanel) => void;
  'panel:cgroup': (msg: CgroupPanel) => void;
  'panel:overlay': (msg: OverlayPanel) => void;
  'panel:process': (msg: ProcessPanel) => void;
  'panel:security': (msg: SecurityPanel) => void;
  'step:status': (msg: { lessonId: string; stepId: string; status: StepStatus; hint?: string }) => void;
  /** the container behind a lesson was reaped or replaced (e.g. after the grace period) */
  'container:gone': (msg: { containerId: string; reason: string }) => void;
}

/** socket.io's typed maps: every client event takes its payload and an ack. */
export type ClientEvents = { [E in ClientEventName]: (payload: ClientPayload<E>, ack: (reply: Replies[E]) => void) => void };

/** Validate a client payload: the one place a browser's input is checked. Returns a Failure naming the field. */
export function parseClient<E extends ClientEventName>(event: E, payload: unknown): { ok: true; value: ClientPayload<E> } | Failure {
  // own keys only: 'toString' or '__proto__' are not events
  const schema = Object.hasOwn(clientEvents, event) ? clientEvents[event] : undefined;
  if (!schema) return { ok: false, message: `unknown event ${String(event)}` };
  const r = schema.safeParse(payload);
  if (r.success) return { ok: true, value: r.data as ClientPayload<E> };
  const issue = r.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'payload';
  return { ok: false, message: `${event}: ${where}: ${issue.message}` };
}
