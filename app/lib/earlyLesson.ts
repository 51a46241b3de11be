// earlyLesson.ts - the lesson page's first request, sent as soon as its script runs (before React hydrates): the lesson, its container and its shell in one round trip.
'use client';
import { ID_PATTERN, LIMITS } from './limits.ts';
import type { Replies, TerminalOpened } from './protocol.ts';
import { call, on } from './socket.ts';

/** The size asked for before the page is laid out; the terminal resizes its shell once it has fitted itself. */
const FIRST_SIZE = { cols: 80, rows: 24 };
const BUFFER_LIMIT = LIMITS.highWatermark * 2;

/** The shell's output that came after the reply and before the Terminal took it over. */
export interface Buffered { chunks: Uint8Array[]; exit: number | null }

/** A shell opened together with its lesson, handed to the page's first Terminal. */
export interface OpenedShell {
  reply: TerminalOpened;
  /** The size the shell was opened at. */
  size: { cols: number; rows: number };
  /** Stops buffering and returns what was buffered: called once, by the Terminal, in the tick it starts listening. */
  take(): Buffered;
}

export type LessonOpened = Replies['lesson:open'] & { shell?: OpenedShell };

const containerKey = (lessonId: string) => `glassbox.lesson.${lessonId}.container`;
/** The Terminal component's key for its slot-0 shell in a container (kept in the tab across reloads). */
export const terminalKey = (containerId: string, slot: number) => `glassbox.terminal.${containerId}.${slot}`;

function stored(key: string): string | null {
  try { return sessionStorage.getItem(key); } catch { return null; }
}

/** lesson:open with the page's shell: the one this tab had (re-attach after a reload), else the lesson's own. */
export async function openLessonWithShell(lessonId: string): Promise<LessonOpened> {
  const containerId = stored(containerKey(lessonId));
  const terminalId = containerId ? stored(terminalKey(containerId, 0)) : null;
  const reply = await call('lesson:open', { lessonId, terminal: { ...FIRST_SIZE, ...(terminalId ? { terminalId } : {}) } }, 30_000);
  if (!reply.ok) return reply;
  try { sessionStorage.setItem(containerKey(lessonId), reply.containerId); } catch { /* storage disabled */ }
  const opened = reply.terminal;
  if (!opened?.ok) return { ...reply, shell: opened ? { reply: opened, size: FIRST_SIZE, take: () => ({ chunks: [], exit: null }) } : undefined };
  // Output may follow the reply before the Terminal (and xterm) are ready: keep it, bounded (flow control stops the
  // shell long before the bound, as nothing acknowledges it yet).
  const buffered: Buffered = { chunks: [], exit: null };
  let size = 0;
  const offOutput = on('terminal:output', ({ terminalId: id, data }) => {
    if (id !== opened.terminalId || size > BUFFER_LIMIT) return;
    const chunk = data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer);
    buffered.chunks.push(chunk);
    size += chunk.length;
  });
  const offExit = on('terminal:exit', ({ terminalId: id, code }) => { if (id === opened.terminalId) buffered.exit = code; });
  return { ...reply, shell: { reply: opened, size: FIRST_SIZE, take: () => { offOutput(); offExit(); return buffered; } } };
}

let early: { lessonId: string; opened: Promise<LessonOpened>; expiry: ReturnType<typeof setTimeout> | null } | null = null;
/** A shell asked for on a click that no lesson page took up in this long (the navigation failed or went elsewhere) is closed. */
const UNTAKEN_MS = 15_000;

/** The reply to the request sent before the lesson page rendered, if it was for this lesson; handed out once. */
export function takeEarlyLesson(lessonId: string): Promise<LessonOpened> | null {
  if (!early || early.lessonId !== lessonId) return null;
  const { opened, expiry } = early;
  if (expiry) clearTimeout(expiry);
  early = null;
  return opened;
}

/**
 * A lesson link was clicked: ask for the lesson, its container and its shell now, while the router fetches and renders
 * the page (the page takes the reply with takeEarlyLesson). A second click on the same lesson reuses the request.
 */
export function openLessonEarly(lessonId: string): void {
  if (!ID_PATTERN.test(lessonId) || early?.lessonId === lessonId) return;
  dropEarly();
  const opened = openLessonWithShell(lessonId);
  const expiry = setTimeout(() => { if (early?.opened === opened) dropEarly(); }, UNTAKEN_MS);
  early = { lessonId, opened, expiry };
}

/** Forgets a request no page took, ending a shell it started (the container stays the learner's, as any lesson's does). */
function dropEarly(): void {
  if (!early) return;
  const { opened, expiry } = early;
  if (expiry) clearTimeout(expiry);
  early = null;
  void opened.then((reply) => {
    if (!reply.ok || !reply.shell?.reply.ok) return;
    reply.shell.take();
    // A shell this tab already had (re-attached by its stored id) stays for the next visit.
    const { terminalId } = reply.shell.reply;
    if (stored(terminalKey(reply.containerId, 0)) !== terminalId) void call('terminal:close', { terminalId });
  });
}

// On a lesson page, ask right away: the socket connects as this module loads, and the request follows the greeting
// while React is still hydrating (the server has usually made the container and shell by then: see Sessions.prewarm).
if (typeof window !== 'undefined' && window.location.pathname.replace(/\/+$/, '') === '/lesson') {
  const lessonId = new URLSearchParams(window.location.search).get('id') ?? '';
  if (ID_PATTERN.test(lessonId)) early = { lessonId, opened: openLessonWithShell(lessonId), expiry: null };
}
