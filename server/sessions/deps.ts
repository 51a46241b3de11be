// deps.ts - the lessons, checks, store and watchers modules the sessions use, typed by their agreed interfaces.
// They are loaded with import() so that the server starts (and says what is missing) while a part is not installed.
import type { Container, CreateOptions } from '../engine/container.ts';
import type { PanelName, ServerEvents } from '../../app/lib/protocol.ts';

export interface Step { id: string; title: string; markdown: string; verify: string; solve: string }
export interface Lesson {
  id: string; dir: string; title: string; summary: string; order: number; minutes: number; image: string;
  container: unknown; allow: string[]; markdown: string; steps: Step[]; challenge?: Step;
}
export interface LessonsModule {
  defaultLessonsRoot: string;
  loadLessons(root?: string, broken?: (problem: string) => void): Lesson[];
  lessonContainerOptions(lesson: Lesson): Promise<CreateOptions>;
}
export interface VerifyModule {
  runVerify(step: Step, container: Container): Promise<{ passed: boolean; hint?: string; output: string }>;
}
export interface ProgressStore {
  ensureLearner(id: string): void;
  markDone(learner: string, lesson: string, step: string): void;
  doneSteps(learner: string, lesson: string): Set<string>;
  close(): void;
}
export interface StoreModule { Store: new (file: string) => ProgressStore }
export type Emit = <E extends keyof ServerEvents>(event: E, msg: Parameters<ServerEvents[E]>[0]) => void;
export interface PanelWatch { dispose(): void }
export interface WatchersModule { watchPanels(container: Container, panels: PanelName[], emit: Emit): PanelWatch }

export interface LabDeps {
  lessons: LessonsModule | null;
  verify: VerifyModule | null;
  store: StoreModule | null;
  watchers: WatchersModule | null;
  /** What could not be loaded, one line each (printed by `glassbox serve`). */
  missing: string[];
}

async function load<T>(spec: string, what: string, missing: string[]): Promise<T | null> {
  try {
    return (await import(spec)) as T;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Only "the file is not there" is tolerated; a module that exists but fails to load is a bug to surface.
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(spec.replace(/^\.\.\//, ''))) {
      missing.push(`${what} (${spec}) is not installed`);
      return null;
    }
    throw e;
  }
}

/** The real modules, where they exist. */
export async function loadDeps(): Promise<LabDeps> {
  const missing: string[] = [];
  return {
    lessons: await load<LessonsModule>('../checks/lessons.ts', 'lessons', missing),
    verify: await load<VerifyModule>('../checks/verify.ts', 'step checks', missing),
    store: await load<StoreModule>('../store/index.ts', 'progress store', missing),
    watchers: await load<WatchersModule>('../watchers/index.ts', 'live panels', missing),
    missing,
  };
}
