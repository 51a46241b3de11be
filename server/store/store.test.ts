// store.test.ts - the progress store: idempotent marks, per-lesson counts, WAL, and progress that survives a close and reopen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { UserError } from '../engine/errors.ts';
import { Store } from './index.ts';

function tempFile(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'sub', 'progress.db');
}

test('marks are idempotent, once done stays done, counted per lesson and per learner', (t) => {
  const store = new Store(tempFile(t));
  t.after(() => store.close());
  store.ensureLearner('alice');
  store.ensureLearner('alice');
  assert.deepEqual(store.doneSteps('alice', 'l1'), new Set());
  store.markDone('alice', 'l1', '01-hostname');
  store.markDone('alice', 'l1', '01-hostname');
  store.markDone('alice', 'l1', '02-upper-dir');
  store.markDone('alice', 'l2', 'challenge');
  store.markDone('bob', 'l1', '01-hostname'); // an unknown learner is created by the mark
  assert.deepEqual(store.doneSteps('alice', 'l1'), new Set(['01-hostname', '02-upper-dir']));
  assert.deepEqual(store.doneSteps('bob', 'l1'), new Set(['01-hostname']));
  assert.deepEqual(store.doneSteps('carol', 'l1'), new Set());
  assert.deepEqual(store.lessonProgress('alice'), new Map([['l1', 2], ['l2', 1]]));
  assert.deepEqual(store.lessonProgress('nobody'), new Map());
  store.resetLesson('alice', 'l1');
  assert.deepEqual(store.doneSteps('alice', 'l1'), new Set());
  assert.deepEqual(store.lessonProgress('alice'), new Map([['l2', 1]]));
});

test('progress survives closing and reopening the file (a server restart); the file is WAL and private', (t) => {
  const file = tempFile(t);
  const first = new Store(file);
  first.markDone('alice', '01-what-is-a-container', '01-hostname');
  const doneAt = new Database(file, { readonly: true });
  const before = doneAt.prepare('SELECT done_at FROM progress').pluck().get();
  doneAt.close();
  first.close();
  first.close(); // closing twice is harmless

  const second = new Store(file);
  t.after(() => second.close());
  assert.equal(second.version, 1, 'migrations do not run twice');
  assert.deepEqual(second.doneSteps('alice', '01-what-is-a-container'), new Set(['01-hostname']));
  second.markDone('alice', '01-what-is-a-container', '01-hostname');
  const db = new Database(file, { readonly: true });
  t.after(() => db.close());
  assert.equal(db.prepare('SELECT done_at FROM progress').pluck().get(), before, 'a second mark keeps the first done_at');
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
});

test('a database from a newer glassbox is refused with a clear message', (t) => {
  const file = tempFile(t);
  new Store(file).close();
  const db = new Database(file);
  db.prepare('INSERT INTO schema_migrations (version, applied) VALUES (99, ?)').run(new Date().toISOString());
  db.close();
  assert.throws(() => new Store(file), (e: unknown) => e instanceof UserError && /schema version 99, newer than/.test(e.message));
});
