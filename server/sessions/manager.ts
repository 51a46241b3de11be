// manager.ts - every learner's session by learner id; the grace period after their last socket leaves; disposal of all.
import path from 'node:path';
import { Container } from '../engine/container.ts';
import { stateRoot } from '../engine/paths.ts';
import { loadDeps, type LabDeps, type ProgressStore } from './deps.ts';
import { prewarmLesson, scheduleChecks } from './lessons.ts';
import { LearnerSession, type Client, type Lab } from './session.ts';

export const DEFAULT_GRACE_MS = 5 * 60 * 1000;
/** A session started ahead of its page (prewarm) that no socket claims in this time is ended. */
export const PREWARM_CLAIM_MS = 30 * 1000;
/** At most this many such unclaimed sessions at once: page loads without a socket cannot fill the server. */
export const MAX_UNCLAIMED = 8;

export interface SessionsOptions {
  /** How long a learner's containers and terminals outlive their last socket (default GLASSBOX_GRACE_MS or 5 min). */
  graceMs?: number;
  lessonsDir?: string;
  maxContainersPerLearner?: number;
  maxContainers?: number;
  /** How long a prewarmed session waits for its page's socket (default PREWARM_CLAIM_MS, never more than graceMs). */
  prewarmClaimMs?: number;
  /** Defaults to the real modules (loadDeps). */
  deps?: LabDeps;
  /** SQLite file for progress; default <stateRoot>/glassbox.db. */
  storeFile?: string;
  log?: (line: string) => void;
}

function graceFromEnv(): number {
  const v = Number(process.env.GLASSBOX_GRACE_MS);
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_GRACE_MS;
}

export class Sessions {
  private readonly sessions = new Map<string, LearnerSession>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  /** Learners whose session a page load started and no socket has claimed yet. */
  private readonly unclaimed = new Set<string>();
  /** Sessions being disposed (their containers deleted) after leaving the map: shutdown waits for them too. */
  private readonly ending = new Set<Promise<void>>();
  readonly graceMs: number;
  private readonly claimMs: number;
  readonly lab: Lab;
  private closed = false;

  private constructor(opts: SessionsOptions, deps: LabDeps, store: ProgressStore | null) {
    this.graceMs = opts.graceMs ?? graceFromEnv();
    this.claimMs = Math.min(this.graceMs, opts.prewarmClaimMs ?? PREWARM_CLAIM_MS);
    const log = opts.log ?? ((line: string) => process.stderr.write(`glassbox: ${line}\n`));
    this.lab = {
      deps, store, lessonsDir: opts.lessonsDir,
      maxContainersPerLearner: opts.maxContainersPerLearner ?? 3,
      maxContainers: opts.maxContainers ?? Number(process.env.GLASSBOX_MAX_CONTAINERS ?? 300),
      liveContainers: () => [...this.sessions.values()].reduce((n, s) => n + s.containers.size, 0),
      Container, log,
    };
  }

  static async create(opts: SessionsOptions = {}): Promise<Sessions> {
    const deps = opts.deps ?? (await loadDeps());
    const store = deps.store ? new deps.store.Store(opts.storeFile ?? path.join(stateRoot, 'glassbox.db')) : null;
    return new Sessions(opts, deps, store);
  }

  get(learnerId: string): LearnerSession | undefined { return this.sessions.get(learnerId); }
  get size(): number { return this.sessions.size; }

  private session(learnerId: string): LearnerSession {
    let session = this.sessions.get(learnerId);
    if (!session) {
      session = new LearnerSession(learnerId, this.lab);
      session.onCommand = scheduleChecks(session);
      this.sessions.set(learnerId, session);
      this.lab.store?.ensureLearner(learnerId);
    }
    return session;
  }

  /** A socket of this learner said hello: their session (made if new), with the grace timer stopped. */
  connect(learnerId: string, client: Client): LearnerSession {
    if (this.closed) throw new Error('the server is shutting down');
    const session = this.session(learnerId);
    this.unclaimed.delete(learnerId);
    const timer = this.graceTimers.get(learnerId);
    if (timer) { clearTimeout(timer); this.graceTimers.delete(learnerId); }
    session.addClient(client);
    return session;
  }

  /**
   * The browser asked for a lesson page: start its container and shell now, while the page's scripts load, so the
   * socket's lesson:open finds them ready. Only for a same-site navigation (main.ts checks), at most MAX_UNCLAIMED
   * new sessions waiting for their socket at once, each ended after claimMs unless a socket claims it.
   */
  prewarm(learnerId: string, lessonId: string): boolean {
    if (this.closed || !this.lab.deps.lessons) return false;
    const existing = this.sessions.get(learnerId);
    if (!existing && this.unclaimed.size >= MAX_UNCLAIMED) return false;
    const session = this.session(learnerId);
    if (!existing) {
      this.unclaimed.add(learnerId);
      this.graceTimers.set(learnerId, setTimeout(() => {
        this.graceTimers.delete(learnerId);
        if (session.clients.size === 0) void this.end(learnerId);
      }, this.claimMs));
    }
    void prewarmLesson(session, lessonId).catch((e) => this.lab.log(`prewarming lesson ${lessonId}: ${(e as Error).message}`));
    return true;
  }

  /** A socket left; after the last one, the grace period starts, and at its end everything of the learner goes. */
  disconnect(learnerId: string, client: Client): void {
    const session = this.sessions.get(learnerId);
    if (!session) return;
    session.removeClient(client);
    if (session.clients.size > 0 || this.closed) return;
    this.graceTimers.get(learnerId) && clearTimeout(this.graceTimers.get(learnerId));
    this.graceTimers.set(learnerId, setTimeout(() => {
      this.graceTimers.delete(learnerId);
      if (session.clients.size === 0) void this.end(learnerId);
    }, this.graceMs));
  }

  /** Dispose one learner's session now (grace period over, or an instructor's reset). */
  async end(learnerId: string): Promise<void> {
    const session = this.sessions.get(learnerId);
    if (!session) return;
    this.sessions.delete(learnerId);
    this.unclaimed.delete(learnerId);
    const ending = session.dispose().catch((e) => this.lab.log(`ending session: ${(e as Error).message}`));
    this.ending.add(ending);
    await ending;
    this.ending.delete(ending);
  }

  /** Shut down: every container of every learner deleted, the store closed. */
  async dispose(): Promise<void> {
    this.closed = true;
    for (const t of this.graceTimers.values()) clearTimeout(t);
    this.graceTimers.clear();
    await Promise.all([...this.sessions.keys()].map((id) => this.end(id)));
    // and the sessions whose grace period ended just before: their containers are still being deleted
    await Promise.all([...this.ending]);
    this.lab.store?.close();
  }
}
