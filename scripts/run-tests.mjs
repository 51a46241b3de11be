#!/usr/bin/env node
// run-tests.mjs - the whole suite: unit and engine tests on this host, the cgroup-v2 tests in a pure-v2 VM, then a leak check.
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(repo);

function findTests(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findTests(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(path.relative(repo, p));
  }
  return out;
}

const only = process.argv.slice(2);
const files = only.length ? only : [...findTests('server'), ...findTests('native')].sort();
const results = [];

const counts = { pass: 0, fail: 0 };
const tapDir = fs.mkdtempSync('/tmp/glassbox-tap-');
/** Adds the TAP summary (# pass N / # fail N) of a node --test run to the totals. */
function countTap(file) {
  try {
    const tap = fs.readFileSync(file, 'utf8');
    counts.pass += Number(/^# pass (\d+)/m.exec(tap)?.[1] ?? 0);
    counts.fail += Number(/^# fail (\d+)/m.exec(tap)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(tap)?.[1] ?? 0);
  } catch { /* the run died before writing it */ }
}
const reporters = (file) => ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${file}`];

function run(name, cmd, args, env = {}, tapFile = null) {
  console.log(`\n=== ${name}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  results.push({ name, ok, secs: ((Date.now() - t0) / 1000).toFixed(1) });
  if (tapFile) countTap(tapFile);
  return ok;
}

// 1. everything on this host (hybrid cgroups here; whatever the host has elsewhere)
const hostTap = path.join(tapDir, 'host.tap');
run('tests on this host', process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporters(hostTap), ...files],
  { GLASSBOX_CGROUP_PARENT: 'glassbox-test' }, hostTap);

// 2. the lab end to end in Debian's Chromium (needs the app built: scripts/setup.sh does it); screenshots of failures in test-results/
const e2eFiles = only.length ? [] : findTests('e2e');
if (e2eFiles.length) {
  const e2eTap = path.join(tapDir, 'e2e.tap');
  run('end-to-end tests in Chromium', process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...reporters(e2eTap), ...e2eFiles],
    { GLASSBOX_CGROUP_PARENT: 'glassbox-test' }, e2eTap);
}

// 3. the cgroup v2 driver for real, in a throw-away VM with a pure v2 hierarchy (this dev machine is hybrid)
// ../shared/tools/v2vm.sh beside this checkout; for a clone of a local checkout, beside the checkout it came from
// (git clone -q /path/to/glassbox /tmp/x/g); or GLASSBOX_V2VM.
function findV2vm() {
  const beside = (dir) => path.resolve(dir, '..', 'shared', 'tools', 'v2vm.sh');
  const candidates = [process.env.GLASSBOX_V2VM, beside(repo)];
  try {
    const origin = execFileSync('git', ['-C', repo, 'remote', 'get-url', 'origin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const local = origin.startsWith('file://') ? origin.slice('file://'.length) : origin;
    if (path.isAbsolute(local) && fs.existsSync(local)) candidates.push(beside(local));
  } catch { /* not a git checkout, or no origin */ }
  return candidates.find((c) => c && fs.existsSync(c)) ?? beside(repo);
}
const v2vm = findV2vm();
// the cgroup drivers, the engine, the cgroup panel and every lesson's replay (facts must hold on v2 as on v1)
const v2files = ['server/engine/cgroups/driver.test.ts', 'server/engine/cgroups/probe.test.ts', 'server/engine/v2.test.ts',
  'server/watchers/cgroup.test.ts', 'server/checks/replay.test.ts'].filter((f) => fs.existsSync(f));
if (process.env.GLASSBOX_SKIP_V2 === '1' || only.length) {
  console.log('\n=== cgroup v2 tests skipped (GLASSBOX_SKIP_V2=1 or a file list was given)');
} else if (!fs.existsSync(v2vm)) {
  console.log(`\n=== cgroup v2 tests: ${v2vm} is missing`);
  results.push({ name: 'cgroup v2 tests (v2vm.sh missing)', ok: false, secs: '0' });
} else {
  // The guest sees this machine's files read-only; its /run is a fresh tmpfs, so state and temp dirs go there
  // (overlayfs refuses an upper dir on the guest's overlay root). No V2VM_TMPFS over /tmp: the checkout may be there.
  const v2Tap = path.join(tapDir, 'v2.tap');
  const cmd = `mkdir -p /run/tmp && cd ${repo} && TMPDIR=/run/tmp GLASSBOX_ROOT=/run/gbv2 GLASSBOX_CGROUP_PARENT=glassbox-test GLASSBOX_CHECK_TIMEOUT_MS=90000 GLASSBOX_REPLAY_SKIP=07-oci node --import tsx --test --test-concurrency=1 --test-reporter=tap ${v2files.join(' ')}`;
  console.log('\n=== cgroup v2 tests in a pure-v2 VM (emulated: a few minutes)');
  const t0 = Date.now();
  const r = spawnSync(v2vm, [cmd], { encoding: 'utf8', env: { ...process.env, V2VM_TIMEOUT: '1800' }, maxBuffer: 64 << 20 });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  fs.writeFileSync(v2Tap, r.stdout ?? '');
  results.push({ name: 'cgroup v2 tests in a pure-v2 VM', ok: r.status === 0, secs: ((Date.now() - t0) / 1000).toFixed(1) });
  countTap(v2Tap);
}

// 4. nothing may be left: no mounts, no cgroups, no container processes
const leaks = [];
// /run/glassbox itself is the runtime tmpfs the engine keeps (like /run/runc); what is mounted below it is not
const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => /glassbox/.test(l) && l.split(' ')[4] !== '/run/glassbox');
if (mounts.length) leaks.push(`mounts:\n  ${mounts.join('\n  ')}`);
try {
  const cg = execFileSync('find', ['/sys/fs/cgroup', '-maxdepth', '3', '-name', 'glassbox-test*'], { encoding: 'utf8' }).trim();
  const inner = cg ? execFileSync('find', [...cg.split('\n'), '-mindepth', '1', '-type', 'd'], { encoding: 'utf8' }).trim() : '';
  // a test's private parent (glassbox-test-<name>-<pid>) is a leak even when empty; the shared "glassbox-test" only if used
  const privateParents = cg.split('\n').filter((d) => /\/glassbox-test-[^/]+$/.test(d));
  const left = [...new Set([...privateParents, ...(inner ? inner.split('\n') : [])])];
  if (left.length) leaks.push(`cgroups:\n  ${left.join('\n  ')}`);
} catch { /* find reports unreadable dirs; ignore */ }
const procs = execFileSync('ps', ['-eo', 'pid,comm'], { encoding: 'utf8' }).split('\n').filter((l) => /glassbox-init|glassbox:\[/.test(l));
if (procs.length) leaks.push(`processes:\n  ${procs.join('\n  ')}`);
results.push({ name: 'nothing left behind', ok: !leaks.length, secs: '0' });
if (leaks.length) console.log(`\nleft behind:\n${leaks.join('\n')}`);

console.log('\n=== summary');
for (const r of results) console.log(`${r.ok ? 'pass' : 'FAIL'}  ${r.name} (${r.secs}s)`);
const failed = results.filter((r) => !r.ok).length;
fs.rmSync(tapDir, { recursive: true, force: true });
// A phase that failed without a failing test (a crash, a leak) still counts as a failure.
console.log(`${counts.pass} passed, ${counts.fail + (failed && !counts.fail ? failed : 0)} failed`);
process.exit(failed ? 1 : 0);
