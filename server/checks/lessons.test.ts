// lessons.test.ts - the lesson loader: the shipped lessons load, and every broken lesson is refused naming its file and field.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../engine/errors.ts';
import { loadLesson, loadLessons } from './lessons.ts';

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A lesson folder from a map of relative path → content; defaults make a valid one-step lesson. */
function makeLesson(t: { after(fn: () => void): void }, files: Record<string, string | null> = {}, name = '01-test'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-lessons-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const all: Record<string, string | null> = {
    'lesson.md': '---\ntitle: A test\nsummary: Testing.\norder: 1\nminutes: 5\n---\n# Intro\n',
    'steps/01-one.md': '---\ntitle: One\n---\nDo one.\n',
    'steps/01-one.verify.sh': 'exit 0\n',
    'steps/01-one.solve.sh': 'true\n',
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    if (content === null) continue;
    const file = path.join(root, name, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return path.join(root, name);
}

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('the shipped lessons load, sorted, with ids the protocol accepts and scripts beside every step', () => {
  const lessons = loadLessons();
  assert.ok(lessons.length >= 1);
  const first = lessons[0];
  assert.equal(first.id, '01-what-is-a-container');
  assert.equal(first.order, 1);
  assert.equal(first.image, 'busybox');
  assert.match(first.markdown, /```mermaid/);
  assert.match(first.markdown, /```sh run/);
  assert.ok(first.steps.length >= 3 && first.steps.length <= 5);
  assert.ok(first.challenge, 'lesson 1 ends with a challenge');
  for (const lesson of lessons) {
    assert.match(lesson.id, ID);
    for (const step of [...lesson.steps, ...(lesson.challenge ? [lesson.challenge] : [])]) {
      assert.match(step.id, ID);
      assert.ok(step.title.length > 0);
      assert.ok(path.isAbsolute(step.verify) && fs.existsSync(step.verify), step.verify);
      assert.ok(path.isAbsolute(step.solve) && fs.existsSync(step.solve), step.solve);
      assert.doesNotMatch(step.markdown, /^---/, 'the frontmatter is not part of the markdown');
    }
  }
  for (let i = 1; i < lessons.length; i++) assert.ok(lessons[i - 1].order < lessons[i].order);
});

test('a valid lesson: defaults, steps in number order, step ids keep their number', (t) => {
  const dir = makeLesson(t, {
    'steps/02-two.md': '---\ntitle: Two\n---\nDo two.\n',
    'steps/02-two.verify.sh': 'exit 0\n',
    'steps/02-two.solve.sh': 'true\n',
    'challenge.md': '---\ntitle: Alone\n---\nNo instructions.\n',
    'challenge.verify.sh': 'exit 0\n',
    'challenge.solve.sh': 'true\n',
  });
  const lesson = loadLesson(dir);
  assert.equal(lesson.id, '01-test');
  assert.equal(lesson.image, 'busybox');
  assert.deepEqual(lesson.allow, []);
  assert.equal(lesson.markdown, '# Intro\n');
  assert.deepEqual(lesson.steps.map((s) => s.id), ['01-one', '02-two']);
  assert.equal(lesson.steps[1].markdown, 'Do two.\n');
  assert.equal(lesson.challenge?.id, 'challenge');
  assert.equal(lesson.challenge?.verify, path.join(dir, 'challenge.verify.sh'));
});

test('a step without a title is refused, naming the file and the field', (t) => {
  const dir = makeLesson(t, { 'steps/02-pid.md': '---\nname: x\n---\n', 'steps/02-pid.verify.sh': '', 'steps/02-pid.solve.sh': '' });
  refused(() => loadLesson(dir), /steps\/02-pid\.md: frontmatter: (title is required|unknown key 'name')/);
  const dir2 = makeLesson(t, { 'steps/02-pid.md': '---\n{}\n---\n', 'steps/02-pid.verify.sh': '', 'steps/02-pid.solve.sh': '' });
  refused(() => loadLesson(dir2), /01-test\/steps\/02-pid\.md: frontmatter: title is required$/);
});

test('unknown keys, wrong types and YAML errors in lesson.md are refused with the file named', (t) => {
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': '---\ntitle: A\nsummary: B\norder: 1\nminutes: 5\ncolour: red\n---\n' })),
    /01-test\/lesson\.md: frontmatter: unknown key 'colour'/);
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': '---\ntitle: A\nsummary: B\norder: first\nminutes: 5\n---\n' })),
    /lesson\.md: frontmatter: order: /);
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': '---\ntitle: A\norder: 1\nminutes: 5\n---\n' })),
    /lesson\.md: frontmatter: summary is required/);
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': '---\ntitle: [A\n---\n' })), /lesson\.md: frontmatter: /);
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': '# no frontmatter\n' })), /lesson\.md: frontmatter is missing/);
});

test('allow takes only named permissions; container must be a valid partial OCI config', (t) => {
  const head = 'title: A\nsummary: B\norder: 1\nminutes: 5\n';
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': `---\n${head}allow: [root]\n---\n` })), /lesson\.md: frontmatter: allow: unknown permission 'root'/);
  assert.deepEqual(loadLesson(makeLesson(t, { 'lesson.md': `---\n${head}allow: [unshare]\n---\n` })).allow, ['unshare']);
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': `---\n${head}container:\n  hostname: 5\n---\n` })), /lesson\.md: container/);
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': `---\n${head}container:\n  hooks: {}\n---\n` })), /lesson\.md: container.*hooks/);
  refused(() => loadLesson(makeLesson(t, { 'lesson.md': `---\n${head}container: [1]\n---\n` })), /lesson\.md: frontmatter: container/);
  assert.deepEqual(loadLesson(makeLesson(t, { 'lesson.md': `---\n${head}container:\n  hostname: lab\n---\n` })).container, { hostname: 'lab' });
});

test('a step without its verify or solve script, or a script without its step, is refused', (t) => {
  refused(() => loadLesson(makeLesson(t, { 'steps/01-one.verify.sh': null })), /steps\/01-one\.verify\.sh: is missing \(every step has a verify script/);
  refused(() => loadLesson(makeLesson(t, { 'steps/01-one.solve.sh': null })), /steps\/01-one\.solve\.sh: is missing \(every step has a solve script/);
  refused(() => loadLesson(makeLesson(t, { 'steps/02-two.verify.sh': 'exit 0\n' })), /steps\/02-two\.verify\.sh: belongs to no step/);
  refused(() => loadLesson(makeLesson(t, { 'challenge.md': '---\ntitle: C\n---\n', 'challenge.verify.sh': '' })), /challenge\.solve\.sh: is missing/);
  refused(() => loadLesson(makeLesson(t, { 'challenge.solve.sh': '' })), /challenge\.solve\.sh: belongs to no step/);
});

test('misnamed and duplicate steps, a lesson without steps, a bad folder name', (t) => {
  refused(() => loadLesson(makeLesson(t, { 'steps/Two.md': '---\ntitle: T\n---\n' })), /steps\/Two\.md: not a step file/);
  refused(() => loadLesson(makeLesson(t, { 'steps/01-two.md': '---\ntitle: T\n---\n', 'steps/01-two.verify.sh': '', 'steps/01-two.solve.sh': '' })),
    /steps\/01-two\.md: step number 01 is also used by 01-one\.md/);
  refused(() => loadLesson(makeLesson(t, { 'steps/01-one.md': null, 'steps/01-one.verify.sh': null, 'steps/01-one.solve.sh': null })),
    /steps: a lesson needs at least one step/);
  refused(() => loadLesson(makeLesson(t, {}, 'Bad Name')), /'Bad Name' is not a lesson id/);
});

test('loadLessons: sorted by order, a duplicate order is refused', (t) => {
  const a = makeLesson(t, { 'lesson.md': '---\ntitle: A\nsummary: S\norder: 2\nminutes: 5\n---\n' }, 'a');
  const root = path.dirname(a);
  const b = path.join(root, 'b');
  fs.cpSync(a, b, { recursive: true });
  fs.writeFileSync(path.join(b, 'lesson.md'), '---\ntitle: B\nsummary: S\norder: 1\nminutes: 5\n---\n');
  fs.writeFileSync(path.join(root, 'README.md'), 'not a lesson');
  assert.deepEqual(loadLessons(root).map((l) => l.id), ['b', 'a']);
  fs.writeFileSync(path.join(b, 'lesson.md'), '---\ntitle: B\nsummary: S\norder: 2\nminutes: 5\n---\n');
  refused(() => loadLessons(root), /b\/lesson\.md: frontmatter: order 2 is also used by a/);
});

test('loadLessons with a `broken` callback skips a broken lesson, names it, and keeps the others', (t) => {
  const a = makeLesson(t, {}, 'a');
  const root = path.dirname(a);
  fs.mkdirSync(path.join(root, 'half-written')); // an instructor's lesson in progress: no lesson.md yet
  refused(() => loadLessons(root), /half-written\/lesson\.md/);
  const problems: string[] = [];
  assert.deepEqual(loadLessons(root, (p) => problems.push(p)).map((l) => l.id), ['a']);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /half-written\/lesson\.md/);
});
