// lessons.ts - a learner's lessons: the list with progress, opening one (its container made or reused), and step checks.
import type { Failure, LessonContent, LessonStep, LessonSummary, Result, StepStatus } from '../../app/lib/protocol.ts';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../engine/errors.ts';
import type { Lesson, Step } from './deps.ts';
import { fail, type Held, type LearnerSession } from './session.ts';

export const CHECK_DEBOUNCE_MS = 500;

/** Parsed lessons per lessons module (tests inject their own), valid while the folder's signature is unchanged. */
const caches = new WeakMap<object, { root: string; sig: string; lessons: Lesson[]; checked: number }>();
const SIGNATURE_MS = 1_000;

function signature(root: string): string {
  const parts: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
  } catch {
    return 'unreadable';
  }
  for (const rel of entries) {
    try {
      const st = fs.statSync(path.join(root, rel));
      parts.push(`${rel}:${st.size}:${st.mtimeMs}`);
    } catch {
      parts.push(`${rel}:gone`);
    }
  }
  return parts.join('|');
}

const logged = new Set<string>();
function logOnce(session: LearnerSession, problem: string): void {
  if (logged.has(problem)) return;
  if (logged.size > 1000) logged.clear();
  logged.add(problem);
  session.lab.log(`lesson skipped: ${problem}`);
}

function loadAll(session: LearnerSession): Lesson[] | Failure {
  const mod = session.lab.deps.lessons;
  if (!mod) return fail('lessons are not available on this server', session.lab.deps.missing.join('; '));
  try {
    // An instructor who adds or edits a lesson needs no restart: the folder's signature (every file's path, size and
    // mtime: a few stats) is checked (at most once a second), and the lessons are parsed again only when it changed
    // (parsing all of them costs ~40 ms, in front of every lesson:open). A broken lesson is logged (once per
    // problem) and left out of the list; the others stay available.
    const root = session.lab.lessonsDir ?? mod.defaultLessonsRoot;
    const hit = caches.get(mod);
    const now = Date.now();
    // The signature itself (a stat per file) is taken at most once a second: a page load asks several times.
    if (hit && hit.root === root && now - hit.checked < SIGNATURE_MS) return hit.lessons;
    const sig = signature(root);
    if (hit && hit.root === root && hit.sig === sig) { hit.checked = now; return hit.lessons; }
    const lessons = mod.loadLessons(root, (problem) => logOnce(session, problem));
    caches.set(mod, { root, sig, lessons, checked: now });
    return lessons;
  } catch (e) {
    if (e instanceof UserError) return fail(e.message, e.hint);
    throw e;
  }
}

function findLesson(session: LearnerSession, lessonId: string): Lesson | Failure {
  const all = loadAll(session);
  if (!Array.isArray(all)) return all;
  return all.find((l) => l.id === lessonId) ?? fail(`no lesson "${lessonId}"`, 'pick one from the lesson list');
}

const stepsOf = (lesson: Lesson): Step[] => (lesson.challenge ? [...lesson.steps, lesson.challenge] : lesson.steps);

function doneSteps(session: LearnerSession, lessonId: string): Set<string> {
  return session.lab.store?.doneSteps(session.learnerId, lessonId) ?? session.memoryProgress(lessonId);
}

export function listLessons(session: LearnerSession): Result<{ lessons: LessonSummary[] }> {
  const all = loadAll(session);
  if (!Array.isArray(all)) return all;
  const lessons = all.map((l) => {
    const done = doneSteps(session, l.id);
    return { id: l.id, title: l.title, summary: l.summary, order: l.order, minutes: l.minutes, steps: stepsOf(l).length, done: stepsOf(l).filter((s) => done.has(s.id)).length };
  });
  return { ok: true, lessons };
}

function content(session: LearnerSession, lesson: Lesson): LessonContent {
  const done = doneSteps(session, lesson.id);
  const step = (s: Step): LessonStep => ({ id: s.id, title: s.title, markdown: s.markdown, status: done.has(s.id) ? 'done' : 'pending' });
  return {
    id: lesson.id, title: lesson.title, summary: lesson.summary, markdown: lesson.markdown,
    steps: lesson.steps.map(step), ...(lesson.challenge ? { challenge: step(lesson.challenge) } : {}),
  };
}

/** The learner's container for a lesson: reused while it runs, otherwise made (evicting the least recently used
 *  lesson container when the learner is at the quota). Call inside session.serial. */
async function lessonContainer(session: LearnerSession, lesson: Lesson): Promise<Held> {
  let held = [...session.containers.values()].find((h) => h.kind === 'lesson' && h.lessonId === lesson.id);
  if (!held) {
    if (session.containers.size >= session.lab.maxContainersPerLearner) {
      const oldest = [...session.containers.values()].filter((h) => h.kind === 'lesson').sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (oldest) await session.removeContainer(oldest.container.id, `replaced by the container of lesson ${lesson.id}`);
    }
    const opts = await session.lab.deps.lessons!.lessonContainerOptions(lesson);
    held = await session.createContainer({ ...opts, name: `${lesson.id}-${session.learnerId.slice(0, 8)}` }, 'lesson', lesson.id);
  }
  held.lastUsed = Date.now();
  return held;
}

/** The lesson's content and the learner's container for it (made or reused). */
export async function openLesson(session: LearnerSession, lessonId: string): Promise<Result<{ lesson: LessonContent; containerId: string }>> {
  const lesson = findLesson(session, lessonId);
  if ('ok' in lesson) return lesson;
  return session.serial(async () => {
    const held = await lessonContainer(session, lesson);
    return { ok: true as const, lesson: content(session, lesson), containerId: held.container.id };
  });
}

/** The size a shell started ahead of its page gets; the page resizes it to its own when it attaches. */
export const PREWARM_SIZE = { cols: 80, rows: 24 } as const;

/**
 * Ahead of the page: the lesson's container, and a shell in it when it has none yet, made while the browser is still
 * loading the page's scripts, so that its lesson:open finds both ready (the shell's prompt waits in its screen mirror).
 * Inside the same serial queue as openLesson, so a lesson:open that arrives meanwhile waits for it and makes no second.
 */
export async function prewarmLesson(session: LearnerSession, lessonId: string): Promise<void> {
  const lesson = findLesson(session, lessonId);
  if ('ok' in lesson) return;
  await session.serial(async () => {
    const held = await lessonContainer(session, lesson);
    if (held.terminals.size === 0 && !session.disposed) session.startTerminal(held, PREWARM_SIZE.cols, PREWARM_SIZE.rows);
  });
}

async function verify(session: LearnerSession, held: Held, step: Step): Promise<{ status: StepStatus; hint?: string }> {
  const v = session.lab.deps.verify;
  if (!v) return { status: 'failed', hint: 'step checks are not available on this server' };
  const r = await v.runVerify(step, held.container);
  if (!r.passed) return { status: 'failed', ...(r.hint ? { hint: r.hint } : {}) };
  session.lab.store?.markDone(session.learnerId, held.lessonId!, step.id);
  session.memoryProgress(held.lessonId!).add(step.id);
  return { status: 'done' };
}

/** step:check: run one step's check against the learner's container for the lesson. Once passed, it stays passed. */
export async function checkStep(session: LearnerSession, lessonId: string, stepId: string): Promise<Result<{ status: StepStatus; hint?: string }>> {
  const lesson = findLesson(session, lessonId);
  if ('ok' in lesson) return lesson;
  const step = stepsOf(lesson).find((s) => s.id === stepId);
  if (!step) return fail(`lesson ${lessonId} has no step "${stepId}"`);
  if (doneSteps(session, lessonId).has(stepId)) return { ok: true, status: 'done' };
  const held = [...session.containers.values()].find((h) => h.kind === 'lesson' && h.lessonId === lessonId);
  if (!held) return fail('the lesson has no container', 'open the lesson again');
  return { ok: true, ...(await verify(session, held, step)) };
}

/** After a command in a lesson terminal: re-check the steps not yet done (debounced, one run at a time per container).
 *  Passed steps are pushed as done; of the others only the first (the current step) gets its hint. */
export function scheduleChecks(session: LearnerSession): (held: Held) => void {
  const timers = new Map<string, { timer: NodeJS.Timeout | null; running: boolean; again: boolean }>();
  const run = async (held: Held) => {
    const state = timers.get(held.container.id)!;
    state.timer = null;
    if (state.running) { state.again = true; return; }
    state.running = true;
    try {
      const lesson = findLesson(session, held.lessonId!);
      if ('ok' in lesson) return;
      const done = doneSteps(session, lesson.id);
      let first = true;
      for (const step of stepsOf(lesson)) {
        if (done.has(step.id) || session.disposed || !session.containers.has(held.container.id)) continue;
        const r = await verify(session, held, step);
        if (r.status === 'done' || first) session.emitAll('step:status', { lessonId: lesson.id, stepId: step.id, ...r });
        first = false;
      }
    } catch (e) {
      session.lab.log(`automatic check of ${held.lessonId}: ${(e as Error).message}`);
    } finally {
      state.running = false;
      if (state.again) { state.again = false; void run(held); }
    }
  };
  return (held: Held) => {
    if (held.kind !== 'lesson' || !held.lessonId || session.disposed) return;
    let state = timers.get(held.container.id);
    if (!state) timers.set(held.container.id, (state = { timer: null, running: false, again: false }));
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => void run(held), CHECK_DEBOUNCE_MS);
    state.timer.unref();
  };
}
