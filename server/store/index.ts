// index.ts - the progress store: learners and the lesson steps they completed, in SQLite, surviving a server restart.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../engine/errors.ts';

/** Each migration runs once, in order, inside a transaction; append new ones, never edit an applied one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE learners (
     id      TEXT PRIMARY KEY,
     created TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE progress (
     learner TEXT NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
     lesson  TEXT NOT NULL,
     step    TEXT NOT NULL,
     done_at TEXT NOT NULL,
     PRIMARY KEY (learner, lesson, step)
   ) WITHOUT ROWID;`,
];

export class Store {
  private db: Database.Database;
  private stmts: ReturnType<Store['prepare']>;

  constructor(readonly file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      this.db = new Database(file);
    } catch (e) {
      throw new UserError(`cannot open the progress database ${file}: ${(e as Error).message}`);
    }
    try {
      // Learner ids are not secrets, but the file is the server's own: nobody else reads or writes it.
      if (file !== ':memory:') fs.chmodSync(file, 0o600);
      // WAL: readers do not block the writer; NORMAL sync is durable across a process crash (a power cut may lose the last commits).
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.migrate();
      this.stmts = this.prepare();
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  /** The schema version this file is at (the number of migrations applied). */
  get version(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)');
    const current = this.version;
    if (current > MIGRATIONS.length) {
      throw new UserError(`${this.file} has schema version ${current}, newer than this glassbox knows (${MIGRATIONS.length})`, 'upgrade glassbox, or move the file away');
    }
    const apply = this.db.transaction((version: number, sql: string) => {
      this.db.exec(sql);
      this.db.prepare('INSERT INTO schema_migrations (version, applied) VALUES (?, ?)').run(version, new Date().toISOString());
    });
    for (let v = current + 1; v <= MIGRATIONS.length; v++) apply(v, MIGRATIONS[v - 1]);
  }

  private prepare() {
    return {
      ensureLearner: this.db.prepare('INSERT OR IGNORE INTO learners (id, created) VALUES (?, ?)'),
      // OR IGNORE: once done, a step stays done with its first done_at.
      markDone: this.db.prepare('INSERT OR IGNORE INTO progress (learner, lesson, step, done_at) VALUES (?, ?, ?, ?)'),
      doneSteps: this.db.prepare('SELECT step FROM progress WHERE learner = ? AND lesson = ?').pluck(),
      lessonProgress: this.db.prepare('SELECT lesson, COUNT(*) AS n FROM progress WHERE learner = ? GROUP BY lesson'),
      resetLesson: this.db.prepare('DELETE FROM progress WHERE learner = ? AND lesson = ?'),
    };
  }

  ensureLearner(id: string): void {
    this.stmts.ensureLearner.run(id, new Date().toISOString());
  }

  /** Idempotent; creates the learner if needed. */
  markDone(learner: string, lesson: string, step: string): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.stmts.ensureLearner.run(learner, now);
      this.stmts.markDone.run(learner, lesson, step, now);
    })();
  }

  doneSteps(learner: string, lesson: string): Set<string> {
    return new Set(this.stmts.doneSteps.all(learner, lesson) as string[]);
  }

  /** lesson id → number of steps done (the challenge counts as a step). */
  lessonProgress(learner: string): Map<string, number> {
    const rows = this.stmts.lessonProgress.all(learner) as Array<{ lesson: string; n: number }>;
    return new Map(rows.map((r) => [r.lesson, r.n]));
  }

  /** An instructor's reset: the learner starts the lesson over. */
  resetLesson(learner: string, lesson: string): void {
    this.stmts.resetLesson.run(learner, lesson);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
