// limits.test.ts - cgroup limits enforced by the kernel: a memory hog is OOM-killed, a fork bomb stops at pids.max.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GBPROBE, setupHarness } from './testing.ts';

const h = await setupHarness('limits');

test('a memory hog over memory 64m is OOM-killed: exit 137, oomKilled, memory.events oom_kill', { timeout: 120_000 }, async (t) => {
  const r = await h.run(t, [GBPROBE, 'memhog', '200'], { flags: { memory: '64m' } });
  // Never printed its {"allocated":200}: killed on the way.
  assert.equal(r.stdout.includes('"allocated":200'), false, r.stdout);
  assert.equal(r.exit.code, 137, `exit ${JSON.stringify(r.exit)}`);
  assert.equal(r.exit.oomKilled, true);
  const stats = r.container.cgroupStats()!;
  assert.ok(stats.memoryEvents.oomKill >= 1, `oom_kill ${stats.memoryEvents.oomKill}`);
  assert.equal(stats.memoryMax, 64 * 1024 * 1024);
});

test('below the limit the same hog finishes (the limit is what killed it)', { timeout: 120_000 }, async (t) => {
  const r = await h.run(t, [GBPROBE, 'memhog', '16'], { flags: { memory: '64m' } });
  assert.equal(r.exit.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { allocated: 16 });
  assert.equal(r.exit.oomKilled, false);
  assert.equal(r.container.cgroupStats()!.memoryEvents.oomKill, 0);
});

test('a fork bomb stops at pids.max: fewer than 32 forks, then EAGAIN', { timeout: 120_000 }, async (t) => {
  const r = await h.run(t, [GBPROBE, 'forkbomb', '100'], { flags: { pids: '32' } });
  assert.equal(r.exit.code, 0, r.stderr);
  const bomb = JSON.parse(r.stdout) as { forked: number; errno: number; error: string | null };
  assert.ok(bomb.forked > 0 && bomb.forked < 32, `forked ${bomb.forked}`);
  assert.equal(bomb.error, 'EAGAIN');
  assert.equal(r.container.cgroupStats()!.pidsMax, 32);
});

test('a memory reservation lands in the kernel: memory.low on v2, the soft limit on v1', async (t) => {
  const config = h.config(['sleep', '1000'], { flags: { memory: '64m' } });
  config.linux!.resources!.memory = { ...config.linux!.resources!.memory, reservation: 16 * 1024 * 1024 };
  const { container } = await h.create(t, config);
  const stats = container.cgroupStats()!;
  const file = stats.version === 2 ? 'memory.low' : 'memory/memory.soft_limit_in_bytes';
  assert.equal(stats.files[file], String(16 * 1024 * 1024), `${file}: ${JSON.stringify(stats.files)}`);
});

h.leakCheck();
