// driver.test.ts - the cgroup driver this host gets (v1 here, v2 in the v2vm guest), against the real kernel.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { UserError } from '../errors.ts';
import { CgroupV1Driver, CgroupV2Driver, cgroupDriver, type ContainerCgroup } from './index.ts';

// A private parent, so the tests never touch a real server's cgroups.
process.env.GLASSBOX_CGROUP_PARENT = `glassbox-test-${process.pid}`;
const driver = cgroupDriver() as CgroupV1Driver | CgroupV2Driver;
const MiB = 1 << 20;
const children = new Set<ChildProcess>();
const cgroups = new Set<ContainerCgroup>();
let seq = 0;

/** A file of the container's cgroup, by its v2 name or its v1 "<controller>/<file>" name. */
function cgFile(id: string, name: string): string {
  if (driver instanceof CgroupV2Driver) return path.join(driver.parentDir, id, name);
  const [controller, file] = name.split('/');
  return path.join(driver.mounts.get(controller)!, driver.parent, id, file);
}
const raw = (id: string, name: string) => fs.readFileSync(cgFile(id, name), 'utf8').trim();
const v2 = driver.version === 2;

function create(limits: Parameters<typeof driver.create>[1]) {
  const cg = driver.create(`t${process.pid}-${seq++}`, limits);
  cgroups.add(cg);
  return cg;
}

/** Run `script` in a shell that first joins the cgroup (writes its own pid into every procsFiles entry). */
function spawnIn(cg: ContainerCgroup, script: string) {
  const join = cg.procsFiles.map((f) => `echo $$ > '${f}' || exit 97;`).join(' ');
  const child = spawn('sh', ['-c', `${join} ${script}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

async function until(ok: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!ok()) {
    assert.ok(Date.now() < deadline, 'condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cg of cgroups) await cg.dispose();
  await driver.removeParent();
  // Nothing left: not the containers, not the parent, in any hierarchy.
  const tops = driver instanceof CgroupV2Driver ? [driver.parentDir] : [...new Set(driver.mounts.values())].map((m) => path.join(m, driver.parent));
  for (const top of tops) assert.equal(fs.existsSync(top), false, `${top} was left behind`);
});

describe(`cgroup v${driver.version} driver`, () => {
  test('creates a cgroup whose limit files read back what was asked', () => {
    const cg = create({ memoryMax: 100 * MiB + 100, memoryHigh: 80 * MiB, pidsMax: 50, cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuWeight: 200 });
    const pageRounded = String(100 * MiB); // memory limits are kept in pages: 100 extra bytes are dropped
    if (v2) {
      assert.deepEqual(cg.dirs, [path.join(driver.root, driver.parent, cg.id)]);
      assert.equal(raw(cg.id, 'memory.max'), pageRounded);
      assert.equal(raw(cg.id, 'memory.high'), String(80 * MiB));
      assert.equal(raw(cg.id, 'pids.max'), '50');
      assert.equal(raw(cg.id, 'cpu.max'), '50000 100000');
      assert.equal(raw(cg.id, 'cpu.weight'), '200');
      if (fs.existsSync(cgFile(cg.id, 'memory.swap.max'))) assert.equal(raw(cg.id, 'memory.swap.max'), '0');
    } else {
      assert.ok(cg.dirs.length >= 4, `one dir per controller: ${cg.dirs}`);
      assert.equal(raw(cg.id, 'memory/memory.limit_in_bytes'), pageRounded);
      assert.equal(raw(cg.id, 'memory/memory.soft_limit_in_bytes'), String(80 * MiB));
      assert.equal(raw(cg.id, 'pids/pids.max'), '50');
      assert.equal(raw(cg.id, 'cpu/cpu.cfs_quota_us'), '50000');
      assert.equal(raw(cg.id, 'cpu/cpu.cfs_period_us'), '100000');
      assert.equal(raw(cg.id, 'cpu/cpu.shares'), '2048');
      if (fs.existsSync(cgFile(cg.id, 'memory/memory.memsw.limit_in_bytes'))) assert.equal(raw(cg.id, 'memory/memory.memsw.limit_in_bytes'), pageRounded);
    }
    for (const dir of cg.dirs) assert.ok(fs.existsSync(dir), dir);
    const stats = cg.stats();
    assert.equal(stats.version, driver.version);
    assert.equal(stats.memoryMax, 100 * MiB);
    assert.equal(stats.pidsMax, 50);
    assert.equal(stats.pidsCurrent, 0);
    assert.equal(stats.files[v2 ? 'memory.max' : 'memory/memory.limit_in_bytes'], pageRounded);
    assert.equal(stats.files[v2 ? 'cpu.max' : 'cpu/cpu.cfs_quota_us'], v2 ? '50000 100000' : '50000');
    assert.deepEqual(cg.pids(), []);
  });

  test('a reservation (memoryLow) is memory.low on v2 and the soft limit on v1, ahead of memoryHigh there', () => {
    const cg = create({ memoryMax: 100 * MiB, memoryHigh: 80 * MiB, memoryLow: 30 * MiB });
    if (v2) {
      assert.equal(raw(cg.id, 'memory.low'), String(30 * MiB));
      assert.equal(raw(cg.id, 'memory.high'), String(80 * MiB));
    } else {
      assert.equal(raw(cg.id, 'memory/memory.soft_limit_in_bytes'), String(30 * MiB));
    }
    assert.equal(cg.stats().files[v2 ? 'memory.low' : 'memory/memory.soft_limit_in_bytes'], String(30 * MiB));
  });

  test('an unlimited cgroup reports null limits', () => {
    const stats = create({}).stats();
    assert.equal(stats.memoryMax, null);
    assert.equal(stats.pidsMax, null);
  });

  test('list and adopt find an existing cgroup; dispose removes it and is idempotent', async () => {
    const cg = create({ pidsMax: 10 });
    assert.ok(driver.list().includes(cg.id));
    const adopted = driver.adopt(cg.id);
    assert.ok(adopted);
    assert.deepEqual(adopted.dirs, cg.dirs);
    assert.deepEqual(adopted.procsFiles, cg.procsFiles);
    assert.equal(adopted.stats().pidsMax, 10);
    await cg.dispose();
    await cg.dispose();
    await adopted.dispose();
    for (const dir of cg.dirs) assert.equal(fs.existsSync(dir), false, `${dir} still exists`);
    assert.equal(driver.adopt(cg.id), null);
    assert.ok(!driver.list().includes(cg.id));
  });

  test('refuses ids that are not plain names, and a second create of the same id', () => {
    for (const id of ['', '../escape', 'a/b', 'Upper', '-dash', 'x'.repeat(65), 'dot.dot']) {
      assert.throws(() => driver.create(id, {}), UserError, id);
    }
    const cg = create({});
    assert.throws(() => driver.create(cg.id, {}), /already exists/);
    assert.throws(() => create({ cpuWeight: 0 }), UserError);
    assert.throws(() => create({ cpuQuotaUs: 10 }), UserError);
  });

  test(v2 ? 'openDirFd opens the leaf for CLONE_INTO_CGROUP' : 'openDirFd throws on v1', () => {
    const cg = create({});
    if (!v2) return void assert.throws(() => cg.openDirFd(), /v1/);
    const fd = cg.openDirFd();
    try {
      assert.ok(fs.fstatSync(fd).isDirectory());
      assert.equal(fs.fstatSync(fd).ino, fs.statSync(cg.dirs[0]).ino);
    } finally {
      fs.closeSync(fd);
    }
  });

  test('a process that allocates past memoryMax is OOM-killed and counted', async () => {
    const cg = create({ memoryMax: 64 * MiB });
    const { exited } = spawnIn(cg, `exec ${JSON.stringify(process.execPath)} -e "const a=[];for(;;)a.push(Buffer.alloc(1<<20,1))"`);
    const { signal } = await exited;
    assert.equal(signal, 'SIGKILL');
    const stats = cg.stats();
    assert.ok(stats.memoryEvents.oomKill >= 1, JSON.stringify(stats.memoryEvents));
    assert.ok(stats.memoryEvents.oom >= 1);
    assert.ok(stats.memoryCurrent <= 64 * MiB);
  });

  test('a fork loop stops at pidsMax', async () => {
    const cg = create({ pidsMax: 8 });
    const { exited } = spawnIn(cg, 'i=0; while [ $i -lt 40 ]; do sleep 60 & i=$((i+1)); done; echo all forked');
    const { code, stderr } = await exited;
    assert.notEqual(code, 0);
    assert.match(stderr, /fork/i);
    const stats = cg.stats();
    assert.equal(stats.pidsCurrent, 7, 'the shell forked 7 sleeps, then died at the 8th pid');
    assert.ok(cg.pids().length <= 8);
    assert.match(stats.files[v2 ? 'pids.events' : 'pids/pids.events'], /^max [1-9]/m);
    await cg.killAll();
    assert.deepEqual(cg.pids(), []);
  });

  test('a busy loop under cpuQuotaUs=20000/100000 is throttled', async () => {
    const cg = create({ cpuQuotaUs: 20_000, cpuPeriodUs: 100_000 });
    const start = Date.now();
    const { child, exited } = spawnIn(cg, 'while :; do :; done');
    await until(() => cg.pids().length === 1);
    await new Promise((r) => setTimeout(r, 1200));
    const stats = cg.stats();
    child.kill('SIGKILL');
    await exited;
    const elapsedUs = (Date.now() - start) * 1000;
    assert.ok(stats.nrThrottled > 0, JSON.stringify(stats));
    assert.ok(stats.throttledUsec > 0);
    assert.ok(stats.cpuUsageUsec > 0);
    assert.ok(stats.cpuUsageUsec < elapsedUs * 0.5, `used ${stats.cpuUsageUsec} µs of CPU in ${elapsedUs} µs with a 20% quota`);
  });

  test('killAll kills every process, forks and orphans included; dispose then removes the dirs', async () => {
    const cg = create({ pidsMax: 100 });
    const { exited } = spawnIn(cg, 'sleep 100 & sleep 100 & (sleep 100 &); (while :; do sleep 1 & wait; done) & wait');
    await until(() => cg.pids().length >= 5);
    await cg.killAll();
    assert.deepEqual(cg.pids(), []);
    assert.equal((await exited).signal, 'SIGKILL');
    // Killed orphans stay charged to pids.current as zombies until their new parent (PID 1 or a subreaper) reaps them.
    await until(() => cg.stats().pidsCurrent === 0);
    await cg.dispose();
    for (const dir of cg.dirs) assert.equal(fs.existsSync(dir), false);
  });
});
