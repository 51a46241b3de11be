// reconcile.test.ts - `kill -9` of the server leaves orphaned containers; reconcile() on restart removes every trace of them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { GBPROBE, setupHarness, until } from './testing.ts';

const h = await setupHarness('reconcile');
const { isAlive, listStateDirs, readState } = h.engine.state;
const { mountsUnder } = h.engine.cleanup;
const { reconcile } = h.engine.reconcile;
const cgroupIds = () => h.engine.cgroups.cgroupDriver().list();

/** A stand-in for the server: creates and starts two containers, prints their ids and pids, then hangs until killed. */
function serverScript(): string {
  const file = path.join(h.root, 'server.mts');
  const mod = (rel: string) => JSON.stringify(path.resolve(import.meta.dirname, rel));
  fs.writeFileSync(file, `
import fs from 'node:fs';
const { Container } = await import(${mod('container.ts')});
const { secureDefaults } = await import(${mod('config/index.ts')});
const { resolveImage } = await import(${mod('images/index.ts')});
const image = await resolveImage('busybox');
const out = [];
for (let i = 0; i < 2; i++) {
  const nul = fs.openSync('/dev/null', 'r+');
  const c = await Container.create({ config: secureDefaults({ args: ['sleep', '1000'] }), image, stdio: [nul, nul, nul] });
  fs.closeSync(nul);
  await c.start();
  out.push({ id: c.id, pid: c.pid, startTime: c.state.pidStartTime });
}
console.log(JSON.stringify(out));
setInterval(() => {}, 1 << 30);
`);
  return file;
}

test('after kill -9 of the server, reconcile() removes its orphaned containers and every trace of them', { timeout: 120_000 }, async (t) => {
  const server = spawn(process.execPath, ['--import', 'tsx', serverScript()], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  t.after(() => { if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL'); });
  let stdout = '';
  let stderr = '';
  server.stdout!.on('data', (d) => (stdout += d));
  server.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => server.on('exit', resolve));
  await until(() => stdout.includes('\n') || server.exitCode !== null, `the server's container ids (stderr: ${stderr})`);
  assert.ok(stdout.includes('\n'), `the server exited early: ${stderr}`);
  const started = JSON.parse(stdout) as Array<{ id: string; pid: number; startTime: number }>;
  assert.equal(started.length, 2);
  for (const c of started) h.trackPid(c.pid, c.startTime);

  server.kill('SIGKILL');
  await exited;

  // Orphans: their inits outlive the server, with their mounts, cgroups, state dirs and uid slots.
  for (const c of started) {
    assert.ok(isAlive(c.pid, c.startTime), `container ${c.id}'s init ${c.pid} died with the server`);
    const s = readState(path.join(h.engine.paths.runRoot, c.id));
    assert.ok(s, `no state.json for ${c.id}`);
    assert.equal(s.ownerPid, server.pid);
  }
  assert.ok(mountsUnder(h.root).length >= 2, 'the orphans have no mounts');
  assert.deepEqual(cgroupIds().sort(), started.map((c) => c.id).sort());
  assert.equal(h.engine.userns.listSlots().length, 2);

  const report = await reconcile();
  assert.deepEqual(report.problems, []);
  for (const c of started) assert.ok(report.removed.includes(c.id), `${c.id} not in ${JSON.stringify(report.removed)}`);

  for (const c of started) assert.equal(isAlive(c.pid, c.startTime), false, `init ${c.pid} is still running`);
  assert.deepEqual(mountsUnder(h.root), []);
  assert.deepEqual(cgroupIds(), []);
  assert.deepEqual(listStateDirs(), []);
  assert.deepEqual(h.engine.userns.listSlots(), []);
});

test('reconcile() keeps the containers of a live owner (this process) and is idempotent', { timeout: 60_000 }, async (t) => {
  const { container } = await h.create(t, h.config([GBPROBE, 'sleep', '1000']));
  await container.start();
  const first = await reconcile();
  assert.deepEqual(first.kept, [container.id]);
  assert.deepEqual(first.removed, []);
  assert.ok(isAlive(container.pid, container.state.pidStartTime));
  assert.ok(mountsUnder(container.state.dir).length > 0);
  assert.deepEqual(cgroupIds(), [container.id]);
  const second = await reconcile();
  assert.deepEqual(second, first);
});

test('reconcile() removes a stray cgroup and a stray uid slot that have no container', { timeout: 60_000 }, async () => {
  const cg = h.engine.cgroups.cgroupDriver().create('0123456789ab', {});
  h.engine.userns.claimSlot('ba9876543210');
  try {
    const report = await reconcile();
    assert.ok(report.removed.includes('cgroup:0123456789ab'), JSON.stringify(report));
    assert.deepEqual(cgroupIds(), []);
    assert.deepEqual(h.engine.userns.listSlots(), []);
  } finally {
    await cg.dispose();
  }
});

h.leakCheck();
