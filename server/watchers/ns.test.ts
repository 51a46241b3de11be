// ns.test.ts - the ns and process panels against a real container: NSpid, inodes against the host, a learner's unshare and hostname.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collect, setupHarness } from '../engine/testing.ts';
import { recorder } from './testing.ts';

const h = await setupHarness('watch-ns');
const { watchPanels } = await import('./index.ts');

// sethostname(2) needs CAP_SYS_ADMIN in the container's user namespace (as the first lesson grants it)
const caps = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_KILL', 'CAP_SYS_ADMIN'];
const partial = { process: { capabilities: { bounding: caps, effective: caps, permitted: caps } } };

async function running(t: Parameters<typeof h.create>[0], allow: string[] = []) {
  const { container } = await h.create(t, h.config(['sleep', '1000'], { partial }), { allow });
  await container.start();
  return container;
}

test('ns panel: PID 1 inside, its own namespaces, hostname and a learner\'s unshare', async (t) => {
  const c = await running(t, ['unshare']);
  const r = recorder();
  const watch = watchPanels(c, ['ns', 'process'], r.emit);
  t.after(() => watch.dispose());

  const first = (await r.next('panel:ns', (m) => m.processes.length > 0)).msg;
  const init = first.processes.find((p: any) => p.hostPid === c.pid);
  assert.ok(init, `init ${c.pid} is listed`);
  assert.deepEqual(init.nsPid, [c.pid, 1]);
  for (const type of ['user', 'pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup'] as const) {
    assert.ok(init.ns[type] > 0, `${type} inode read`);
    assert.notEqual(init.ns[type], first.host[type], `${type} is not the host's`);
  }
  assert.equal(first.hostname, 'gbtest');

  const set = await collect(c.exec(['hostname', 'glass']));
  assert.equal(set.code, 0, set.stderr);
  await r.next('panel:ns', (m) => m.hostname === 'glass');

  const from = r.seen.length;
  const child = c.exec(['unshare', '-U', 'sh', '-c', 'sleep 5']);
  const done = collect(child);
  t.after(async () => { child.kill('SIGKILL'); await done; });
  const hit = (await r.next('panel:ns', (m) => m.changed.some((k: string) => k.endsWith(':user')), 10_000, from)).msg;
  const key = hit.changed.find((k: string) => k.endsWith(':user'));
  const pid = Number(key.split(':')[0]);
  const p = hit.processes.find((q: any) => q.hostPid === pid);
  assert.ok(p, 'the changed process is listed');
  assert.notEqual(p.ns.user, init.ns.user, 'its user namespace is a new one');
  assert.equal(p.ns.pid, init.ns.pid, 'its pid namespace is unchanged');

  // the process panel shows the same process under the container's tree
  const tree = (await r.next('panel:process', (m) => JSON.stringify(m.tree).includes(`"hostPid":${pid}`))).msg.tree;
  const root = tree.find((n: any) => n.hostPid === c.pid);
  assert.equal(root.pid, 1);
  assert.ok(root.args.includes('sleep 1000') || root.children.some((n: any) => n.args.includes('sleep 1000')), JSON.stringify(tree));
});

test('dispose stops every sampler: no messages afterwards', async (t) => {
  const c = await running(t);
  const r = recorder();
  const watch = watchPanels(c, ['ns', 'process', 'cgroup', 'security', 'overlay'], r.emit);
  await r.next('panel:cgroup', () => true);
  watch.dispose();
  const n = r.seen.length;
  await collect(c.exec(['hostname', 'after']));
  await new Promise((res) => setTimeout(res, 700));
  assert.equal(r.seen.length, n);
});

h.leakCheck();
