// overlay.test.ts - the overlay panel against a real container: a snapshot, then inotify deltas for new, copied-up, whiteout and opaque.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collect, setupHarness } from '../engine/testing.ts';
import { recorder } from './testing.ts';

const h = await setupHarness('watch-overlay');
const { watchPanels } = await import('./index.ts');

test('overlay panel: layers, a full snapshot, then a delta for each kind of change within a second', async (t) => {
  const { container: c } = await h.create(t, h.config(['sleep', '1000']));
  await c.start();
  const r = recorder();
  const watch = watchPanels(c, ['overlay'], r.emit);
  t.after(() => watch.dispose());

  const full = (await r.next('panel:overlay', (m) => m.mode === 'full')).msg;
  assert.equal(full.upperDir, c.upperDir);
  assert.deepEqual(full.layers.map((l: any) => l.digest), c.state.layers.map((l) => l.digest));
  assert.ok(full.layers.length >= 1 && full.layers.every((l: any) => /^sha256:[0-9a-f]{64}$/.test(l.digest)));

  /** Run a shell command inside; resolve with the first delta entry for `path` of `kind` and how long after the command it came. */
  const expect = async (script: string, path: string, kind: string) => {
    const from = r.seen.length;
    const res = await collect(c.exec(['sh', '-c', script]));
    assert.equal(res.code, 0, `${script}: ${res.stderr}`);
    const done = Date.now();
    const hit = await r.next('panel:overlay', (m) => m.mode === 'delta' && m.entries.some((e: any) => e.path === path && e.kind === kind), 1000, from);
    return { entry: hit.msg.entries.find((e: any) => e.path === path), ms: hit.at - done, msg: hit.msg };
  };

  const x = await expect('echo hello > /etc/x', 'etc/x', 'new');
  assert.deepEqual([x.entry.type, x.entry.size], ['file', 6]);
  assert.ok(x.msg.entries.some((e: any) => e.path === 'etc' && e.kind === 'copied-up' && e.type === 'dir'), 'etc came up with it');
  const passwd = await expect('echo learner:x:1000:1000::/:/bin/sh >> /etc/passwd', 'etc/passwd', 'copied-up');
  assert.equal(passwd.entry.type, 'file');
  await expect('rm /etc/hostname', 'etc/hostname', 'whiteout');
  await expect('rm -rf /home && mkdir /home', 'home', 'opaque');
  const gone = r.seen.length;
  await collect(c.exec(['rm', '/etc/x']));
  await r.next('panel:overlay', (m) => m.mode === 'delta' && m.removed.includes('etc/x'), 1000, gone);
  // a new directory tree that appears at once is read whole, and its directories are watched
  await expect('mkdir -p /srv/a/b && echo 1 > /srv/a/b/c', 'srv/a/b/c', 'new');
  await expect('echo 2 > /srv/a/b/d', 'srv/a/b/d', 'new');
});

test('overlay panel: a learner\'s symlink is shown, never followed out of the upper dir', async (t) => {
  const { container: c } = await h.create(t, h.config(['sleep', '1000']));
  await c.start();
  const r = recorder();
  const watch = watchPanels(c, ['overlay'], r.emit);
  t.after(() => watch.dispose());
  await r.next('panel:overlay', (m) => m.mode === 'full');
  const res = await collect(c.exec(['sh', '-c', 'ln -s / /escape && ln -s /proc/1/root /escape2 && mkdir /d && rmdir /d && ln -s /etc /d']));
  assert.equal(res.code, 0, res.stderr);
  await r.next('panel:overlay', (m) => m.entries.some((e: any) => e.path === 'd' && e.type === 'symlink'));
  await new Promise((res) => setTimeout(res, 100));
  const paths = r.seen.flatMap((s) => s.msg.entries.map((e: any) => e.path));
  assert.ok(paths.includes('escape'));
  assert.ok(!paths.some((p: string) => /^(escape|escape2|d)\//.test(p)), `nothing below a symlink: ${paths.join(' ')}`);
});

h.leakCheck();
