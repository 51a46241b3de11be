// verify.test.ts - step checks against real containers: every step of lesson 1 replayed in order, the verify environment, timeouts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setupHarness, until } from '../engine/testing.ts';
import type { Step } from './lessons.ts';

// The harness sets GLASSBOX_ROOT; the engine (and so the modules below) must be imported after it.
const h = await setupHarness('checks');
const { loadLessons, lessonContainerOptions } = await import('./lessons.ts');
const { runVerify, runSolve, execPrefix, CHECK_TIMEOUT_MS, OUTPUT_LIMIT } = await import('./verify.ts');

type T = { after(fn: () => unknown): void };

/** A running container made exactly as the server makes a lesson's (lessonContainerOptions), deleted after the test. */
async function lessonContainer(t: T, lessonId: string) {
  const lesson = loadLessons().find((l) => l.id === lessonId);
  assert.ok(lesson, `lesson ${lessonId} exists`);
  const opts = await lessonContainerOptions(lesson);
  assert.equal(opts.allowHostBinds, false);
  const { container } = await h.create(t, opts.config, { image: opts.image, allow: opts.allow, allowHostBinds: opts.allowHostBinds });
  await container.start();
  return { lesson, container };
}

/** A step whose verify (and solve) scripts are the given text, in a temp dir removed after the test. */
function scriptStep(t: T, verify: string, solve = 'true\n'): Step {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-step-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, '01-x.verify.sh'), verify);
  fs.writeFileSync(path.join(dir, '01-x.solve.sh'), solve);
  return { id: '01-x', title: 'X', markdown: '', verify: path.join(dir, '01-x.verify.sh'), solve: path.join(dir, '01-x.solve.sh') };
}

test('lesson 1, every step in order in one fresh container: verify fails, solve runs, verify passes', async (t) => {
  const { lesson, container } = await lessonContainer(t, '01-what-is-a-container');
  const steps = [...lesson.steps, ...(lesson.challenge ? [lesson.challenge] : [])];
  assert.ok(steps.length >= 4);
  for (const step of steps) {
    const before = await runVerify(step, container);
    assert.equal(before.passed, false, `${step.id}: verify passed before its solve ran:\n${before.output}`);
    assert.ok(before.hint && before.hint.length > 10, `${step.id}: a failing verify gives a hint: ${before.output}`);
    assert.doesNotMatch(before.hint, /Error|Traceback|command not found|No such file/i, `${step.id}: the hint is the script's own line`);
    const solved = await runSolve(step, container);
    assert.equal(solved.code, 0, `${step.id}: solve failed: ${solved.output}`);
    const after = await runVerify(step, container);
    assert.equal(after.passed, true, `${step.id}: verify failed after solve: ${after.hint}\n${after.output}`);
    // A check that stumbles (a file it may not read, a tool the host lacks) can pass or fail for the wrong reason.
    assert.doesNotMatch(before.output + after.output, /denied|cannot|not found|no such|invalid|usage:/i, `${step.id}: the verify script reported an error`);
  }
});

test('the e2e commands: `hostname glass` and `touch /etc/x` satisfy steps of lesson 1', async (t) => {
  const { lesson, container } = await lessonContainer(t, '01-what-is-a-container');
  const byCommand = async (command: string) => {
    const child = container.exec(['/bin/sh', '-c', command]);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, command);
    const passed: string[] = [];
    for (const step of lesson.steps) if ((await runVerify(step, container)).passed) passed.push(step.id);
    return passed;
  };
  assert.deepEqual(await byCommand('true'), []);
  assert.deepEqual(await byCommand('hostname glass'), ['01-hostname']);
  assert.deepEqual(await byCommand('touch /etc/x'), ['01-hostname', '02-upper-dir']);
});

test('a verify script sees the container through GB_* and none of the server environment', async (t) => {
  const { container } = await lessonContainer(t, '01-what-is-a-container');
  process.env.GLASSBOX_TEST_SECRET = 'must-not-leak';
  t.after(() => { delete process.env.GLASSBOX_TEST_SECRET; });
  const step = scriptStep(t, [
    'env | cut -d= -f1 | sort | sed "s/^/NAME /"',
    'echo "HOSTNAME_IN $($GB_EXEC cat /etc/hostname)"',
    'echo "UTS_IN $($GB_EXEC hostname)"',
    'echo "UPPER $(test -d "$GB_UPPER" && echo dir)"',
    'echo "ROOTFS $(readlink "$GB_ROOTFS")"',
    'echo "CGROUPS $(for d in $GB_CGROUP; do test -d "$d" && echo -n ok; done)"',
    'exit 3',
  ].join('\n'));
  const r = await runVerify(step, container);
  assert.equal(r.passed, false);
  assert.equal(r.hint, `CGROUPS ${'ok'.repeat(container.state.cgroup.dirs.length)}`, 'the hint is the last non-empty line');
  const names = r.output.split('\n').filter((l) => l.startsWith('NAME ')).map((l) => l.slice(5));
  const allowed = new Set(['PATH', 'LC_ALL', 'PWD', 'SHLVL', '_', 'OLDPWD',
    'GB_PID', 'GB_CGROUP', 'GB_CGROUP_VERSION', 'GB_UPPER', 'GB_ROOTFS', 'GB_EXEC']);
  assert.deepEqual(names.filter((n) => !allowed.has(n)), [], 'only GB_* and a fixed PATH');
  for (const n of ['GB_PID', 'GB_CGROUP', 'GB_CGROUP_VERSION', 'GB_UPPER', 'GB_ROOTFS', 'GB_EXEC']) assert.ok(names.includes(n), n);
  assert.doesNotMatch(r.output, /must-not-leak/);
  assert.match(r.output, /^HOSTNAME_IN glassbox$/m, '$GB_EXEC runs a command inside the container (its /etc/hostname)');
  assert.match(r.output, /^UTS_IN glassbox$/m);
  assert.match(r.output, /^UPPER dir$/m);
  assert.match(r.output, /^ROOTFS \/$/m, 'GB_ROOTFS is /proc/PID/root (its link reads / from the host)');
});

test('a verify that hangs is killed with its process group at the timeout', async (t) => {
  const { container } = await lessonContainer(t, '01-what-is-a-container');
  const pidFile = path.join(h.root, 'hang.pid');
  const step = scriptStep(t, `sleep 3600 &\necho $! > ${pidFile}\necho waiting\nwait\n`);
  const started = Date.now();
  const r = await runVerify(step, container);
  const took = Date.now() - started;
  assert.equal(r.passed, false);
  assert.match(r.hint ?? '', /took longer than 10 s/);
  assert.ok(took >= CHECK_TIMEOUT_MS - 100 && took < CHECK_TIMEOUT_MS + 3000, `took ${took} ms`);
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  await until(() => {
    try { return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z'); } catch { return true; }
  }, `the verify's background sleep ${pid} is killed`, 5000);
});

test('verify output is bounded and keeps its tail; a solve runs inside the container and is bounded too', async (t) => {
  const { container } = await lessonContainer(t, '01-what-is-a-container');
  const step = scriptStep(t, 'head -c 1000000 /dev/zero | tr "\\0" a\necho\necho the last line\necho\nexit 1\n',
    'head -c 1000000 /dev/zero | tr "\\0" b\necho\nhostname\ncat /proc/1/comm\n');
  const r = await runVerify(step, container);
  assert.equal(r.hint, 'the last line');
  assert.ok(Buffer.byteLength(r.output) <= OUTPUT_LIMIT + 64, `output ${Buffer.byteLength(r.output)} bytes`);
  assert.match(r.output, /^\[… output truncated\]/);
  const s = await runSolve(step, container);
  assert.equal(s.code, 0);
  assert.ok(Buffer.byteLength(s.output) <= OUTPUT_LIMIT + 64);
  assert.match(s.output, /\nglassbox\nglassbox-init\n$/, 'the solve ran inside: its hostname, and glassbox-init as PID 1');
});

test('GB_EXEC stays one unquoted prefix when a word needs quoting (a wrapper script holds the quoted line)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-exec-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fake = (args: string[]) => ({ enterCommand: () => ({ file: '/usr/bin/printf', args }) }) as unknown as Parameters<typeof execPrefix>[0];
  const plain = execPrefix(fake(['%s,', '--']), () => dir);
  assert.equal(plain, '/usr/bin/printf %s, --');
  const wrapped = execPrefix(fake(['[%s]', "PS1=it's a b*", '$HOME', '--']), () => dir);
  assert.equal(execFileSync('/bin/bash', ['-c', '$GB_EXEC x'], { env: { GB_EXEC: plain }, encoding: 'utf8' }), '--,x,');
  assert.equal(wrapped, path.join(dir, 'gb-exec'));
  const out = execFileSync('/bin/bash', ['-c', '$GB_EXEC "x y"'], { env: { GB_EXEC: wrapped }, encoding: 'utf8' });
  assert.equal(out, "[PS1=it's a b*][$HOME][--][x y]");
});

h.leakCheck();
