// cgroup.test.ts - the cgroup panel against a real container: the files' own values, sampled; on cgroup v2 an OOM kill pushed at once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { collect, GBPROBE, setupHarness } from '../engine/testing.ts';
import { recorder } from './testing.ts';

const h = await setupHarness('wcgroup');
const { watchPanels } = await import('./index.ts');

test('cgroup panel: the values are the cgroup files\' own', async (t) => {
  const { container: c } = await h.create(t, h.config(['sleep', '1000'], { flags: { memory: '64m', pids: '50' } }));
  await c.start();
  const r = recorder();
  const watch = watchPanels(c, ['cgroup'], r.emit);
  t.after(() => watch.dispose());
  const m = (await r.next('panel:cgroup', () => true)).msg;
  assert.equal(m.version, c.state.cgroup.version);
  assert.deepEqual(m.dirs, c.state.cgroup.dirs);
  const file = (name: string) => {
    // v1 names are "<controller>/<file>"; find the controller's dir among the container's
    const [ctrl, base] = name.includes('/') ? name.split('/') : [null, name];
    const dir = ctrl ? c.state.cgroup.dirs.find((d) => d.split('/').some((s) => s.split(',').includes(ctrl))) : c.state.cgroup.dirs[0];
    return fs.readFileSync(path.join(dir!, base), 'utf8').trim();
  };
  const limitName = m.version === 2 ? 'memory.max' : 'memory/memory.limit_in_bytes';
  const pidsName = m.version === 2 ? 'pids.max' : 'pids/pids.max';
  assert.equal(m.files[pidsName], file(pidsName));
  assert.equal(m.pidsMax, 50);
  assert.equal(m.memoryMax, 64 * 1024 * 1024);
  if (m.files[limitName] !== undefined) assert.equal(m.files[limitName], file(limitName));
  assert.ok(m.pidsCurrent >= 1);
  // sampled: a second update follows (a chart needs a series), with a later time
  const second = (await r.next('panel:cgroup', (x) => x.time > m.time, 2000)).msg;
  assert.ok(second.time - m.time >= 400);
});

test('cgroup panel: an OOM kill reaches the panel without waiting for the next sample (cgroup v2 inotify)', async (t) => {
  const { container: c } = await h.create(t, h.config(['sleep', '1000'], { flags: { memory: '16m' } }));
  if (c.state.cgroup.version !== 2) return t.skip('cgroup v1 here: memory.oom_control is sampled (run under /work/shared/tools/v2vm.sh)');
  await c.start();
  const r = recorder();
  const watch = watchPanels(c, ['cgroup'], r.emit);
  t.after(() => watch.dispose());
  await r.next('panel:cgroup', () => true);
  const hog = await collect(c.exec([GBPROBE, 'memhog', '64']));
  const exited = Date.now();
  assert.notEqual(hog.code, 0, 'the memory hog was killed');
  const hit = await r.next('panel:cgroup', (m) => m.memoryEvents.oomKill > 0, 2000);
  // sampling alone would take up to 500 ms; the memory.events notification makes it a few
  assert.ok(hit.at - exited < 150, `OOM shown ${hit.at - exited} ms after the process died`);
  assert.match(hit.msg.files['memory.events'], /oom_kill [1-9]/);
});

h.leakCheck();
