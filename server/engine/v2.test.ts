// v2.test.ts - the engine on a pure cgroup v2 host (run by npm test inside ../shared/tools/v2vm.sh): CLONE_INTO_CGROUP, limits that bite, the chowned-layer fallback.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { setupHarness, GBPROBE } from './testing.ts';

const isV2 = (() => {
  try { return fs.statfsSync('/sys/fs/cgroup').type === 0x63677270; } catch { return false; }
})();

if (!isV2) {
  test('cgroup v2 engine tests', { skip: 'this host is not pure cgroup v2 (npm test runs this file in the v2 VM)' }, () => {});
} else {
  const h = await setupHarness('v2');

  test('the init starts inside its cgroup (CLONE_INTO_CGROUP) and sees it as / through its cgroup namespace', async (t) => {
    const { container } = await h.create(t, h.config(['sleep', '100']));
    await container.start();
    const dir = container.state.cgroup.dirs[0];
    assert.equal(fs.statfsSync(dir).type, 0x63677270, `${dir} is a real cgroup2 directory`);
    const procs = fs.readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
    assert.ok(procs.includes(container.pid), `init ${container.pid} is in ${dir}/cgroup.procs (${procs})`);
    const fromHost = fs.readFileSync(`/proc/${container.pid}/cgroup`, 'utf8').trim();
    assert.ok(fromHost.endsWith(`/${container.id}`), `the host sees it in its own cgroup (${fromHost})`);
    await container.delete();
    assert.ok(!fs.existsSync(dir), 'delete removes the cgroup');
  });

  test('through its cgroup namespace the container sees its cgroup as the root', async (t) => {
    const r = await h.run(t, ['cat', '/proc/self/cgroup']);
    assert.equal(r.stdout.trim(), '0::/');
  });


  test('memory.max bites: a hog is OOM-killed and memory.events counts it', async (t) => {
    const r = await h.run(t, [GBPROBE, 'memhog', '200'], { flags: { memory: '32m' } });
    assert.equal(r.exit.code, 137);
    assert.equal(r.exit.oomKilled, true);
  });

  test('pids.max bites: a fork bomb stops', async (t) => {
    const out = await h.probe<{ forked: number; error: string }>(t, ['forkbomb', '100'], { flags: { pids: '16' } });
    assert.ok(out.forked < 16, `forked ${out.forked} < 16`);
    assert.equal(out.error, 'EAGAIN');
  });

  test('image files read as root inside, through idmapped layers or their chowned copies', async (t) => {
    const r = await h.run(t, ['stat', '-c', '%u:%g', '/bin/busybox']);
    assert.equal(r.stdout.trim(), '0:0');
  });

  h.leakCheck();
}
