// replay.test.ts - every lesson in lessons/ is proven completable, in order, as a learner would: lint, then per step verify fails, solve runs, verify passes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setupHarness } from '../engine/testing.ts';

const h = await setupHarness('replay');
const { defaultLessonsRoot } = await import('./lessons.ts');
const { checkLesson, lintLesson } = await import('./replay.ts');

const lessonDirs = fs.readdirSync(defaultLessonsRoot, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(defaultLessonsRoot, d.name, 'lesson.md')))
  .map((d) => path.join(defaultLessonsRoot, d.name)).sort();

test('there are lessons to replay', () => assert.ok(lessonDirs.length >= 1));

// Lessons named in GLASSBOX_REPLAY_SKIP are skipped (said so in the output): scripts/run-tests.mjs skips 07-oci in the
// emulated v2 VM, where its node-based checker fails intermittently; it has no cgroup-version-dependent step and
// replays on the host in every run.
const skip = new Set((process.env.GLASSBOX_REPLAY_SKIP ?? '').split(',').filter(Boolean));

for (const dir of lessonDirs) {
  const name = path.basename(dir);
  const options = skip.has(name) ? { skip: `GLASSBOX_REPLAY_SKIP names ${name}` } : { timeout: 300_000 };
  test(`lesson ${name}: lint, then every step replays`, options, async () => {
    const reports = await checkLesson(dir);
    const bad = reports.filter((r) => !r.ok);
    assert.deepEqual(bad, [], bad.map((r) => `${r.step}: ${r.message}`).join('\n'));
    assert.ok(reports.length >= 2, 'lint and at least one step');
  });
}

test('the linter names a broken mermaid block and a dangling link', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-lint-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, '01-x');
  fs.cpSync(lessonDirs[0], dir, { recursive: true });
  fs.appendFileSync(path.join(dir, 'lesson.md'), '\n```mermaid\nnot a diagram [\n```\n\nSee [the other](../99-missing/lesson.md).\n');
  const { problems } = lintLesson(dir);
  assert.ok(problems.some((p) => /mermaid block must start with a diagram type/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /unbalanced/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /link \.\.\/99-missing\/lesson\.md does not resolve/.test(p)), problems.join('\n'));
});

h.leakCheck();
