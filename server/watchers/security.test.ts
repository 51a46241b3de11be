// security.test.ts - the security panel against a real container: caps by name, seccomp mode and profile, denied syscalls live; and disposal.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { collect, GBPROBE, setupHarness } from '../engine/testing.ts';
import { recorder } from './testing.ts';

const h = await setupHarness('watch-security');
const { watchPanels } = await import('./index.ts');
const { auditListening, parseSeccompRecord } = await import('./audit.ts');
const { capNames } = await import('./security.ts');

test('security panel: capabilities by name, seccomp mode and profile, and a denied reboot in the feed', async (t) => {
  const { container: c } = await h.create(t, h.config(['sleep', '1000']));
  await c.start();
  const r = recorder();
  const watch = watchPanels(c, ['security'], r.emit);
  t.after(() => watch.dispose());
  const m = (await r.next('panel:security', () => true)).msg;
  const status = fs.readFileSync(`/proc/${c.pid}/status`, 'utf8');
  const eff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(status)![1]}`);
  assert.deepEqual(m.capabilities.effective, capNames(eff));
  assert.ok(m.capabilities.bounding.includes('CAP_CHOWN') && !m.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  assert.equal(m.seccomp.mode, 'filter');
  assert.equal(m.seccomp.profile, 'default');
  assert.equal(m.denialsAvailable, true, m.denialsNote);

  const from = r.seen.length;
  const res = await collect(c.exec([GBPROBE, 'syscall', 'reboot']));
  assert.match(res.stdout, /"error":"EPERM"/);
  const hit = (await r.next('panel:security', (x) => x.denials.some((d: any) => d.syscall === 'reboot'), 2000, from)).msg;
  const d = hit.denials.find((x: any) => x.syscall === 'reboot');
  assert.equal(d.comm, 'gbprobe');
  assert.ok(d.hostPid > 0 && d.nr === 169 || process.arch !== 'x64');
  assert.ok(Math.abs(d.time - Date.now()) < 10_000);
});

test('security panel: a denial in another container is not in this one\'s feed', async (t) => {
  const { container: a } = await h.create(t, h.config(['sleep', '1000']));
  const { container: b } = await h.create(t, h.config(['sleep', '1000']));
  await a.start();
  await b.start();
  const ra = recorder();
  const rb = recorder();
  const wa = watchPanels(a, ['security'], ra.emit);
  const wb = watchPanels(b, ['security'], rb.emit);
  t.after(() => { wa.dispose(); wb.dispose(); });
  await collect(b.exec([GBPROBE, 'syscall', 'keyctl']));
  await rb.next('panel:security', (x) => x.denials.some((d: any) => d.syscall === 'keyctl'));
  await new Promise((res) => setTimeout(res, 300));
  assert.ok(!ra.seen.some((s) => s.msg.denials.length > 0));
  wa.dispose();
  assert.equal(auditListening(), true, 'still open for b');
  wb.dispose();
  assert.equal(auditListening(), false, 'closed with the last watcher');
});

test('audit records parse, hex-encoded comm included', () => {
  const r = parseSeccompRecord('audit(1700000000.250:16): auid=4294967295 uid=536870912 gid=0 ses=4294967295 pid=17746 comm=612062 exe="/x" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7f code=0x50000');
  assert.deepEqual(r && { ...r, syscall: r.syscall }, { hostPid: 17746, uid: 536870912, comm: 'a b', nr: 83, arch: 0xc000003e, syscall: 'mkdir', action: 0x50000, time: 1700000000250 });
  assert.equal(parseSeccompRecord('audit(1.2:3): op=foo'), null);
});

/** inotify watches this process holds (libuv's one inotify fd lists one `inotify wd:` line per watch). */
function inotifyWatches(): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fdinfo')) {
    try {
      n += fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').filter((l) => l.startsWith('inotify wd:')).length;
    } catch { /* closed meanwhile */ }
  }
  return n;
}

test('no timer, watcher or socket is left once every panel is disposed', async (t) => {
  const { container: c } = await h.create(t, h.config(['sleep', '1000']));
  await c.start();
  const before = process.getActiveResourcesInfo().filter((x) => x !== 'TTYWrap').sort();
  const watchesBefore = inotifyWatches();
  const r = recorder();
  const watch = watchPanels(c, ['ns', 'cgroup', 'overlay', 'process', 'security'], r.emit);
  await r.next('panel:overlay', () => true);
  await collect(c.exec(['touch', '/etc/y']));
  await r.next('panel:overlay', (m) => m.entries.some((e: any) => e.path === 'etc/y'));
  assert.ok(inotifyWatches() > watchesBefore, 'the overlay panel watches the upper dir');
  watch.dispose();
  await new Promise((res) => setImmediate(res));
  assert.equal(inotifyWatches(), watchesBefore);
  const after = process.getActiveResourcesInfo().filter((x) => x !== 'TTYWrap').sort();
  assert.deepEqual(after, before);
  assert.equal(auditListening(), false);
});

h.leakCheck();
