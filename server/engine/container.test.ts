// container.test.ts - a container's identity against the real kernel: PID 1, its own namespaces, hostname, uid map, layer ownership, exec, delete.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { collect, GBPROBE, nsInodes, setupHarness, until } from './testing.ts';

const h = await setupHarness('container');
const { Container } = h.engine.container;
const NS = ['user', 'pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup'];
const DEFAULT_NS = ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup', 'user'].map((type) => ({ type }));

test('PID 1 inside is glassbox-init, whose host pid is ordinary; the payload is its child', { timeout: 60_000 }, async (t) => {
  // glassbox-init forks the payload (it must stay PID 1 to reap and forward signals): the payload is pid 2, its parent pid 1.
  assert.deepEqual(await h.probe(t, ['pid']), { pid: 2, ppid: 1 });
  const { container, output } = await h.create(t, h.config(['/bin/sh', '-c', `cat /proc/1/comm; exec ${GBPROBE} sleep 1000`]));
  assert.ok(container.pid > 1, `host pid ${container.pid}`);
  assert.notEqual(container.pid, process.pid);
  await container.start();
  await until(() => output().stdout.includes('\n'), 'the shell\'s output');
  // Host view: the recorded pid is pid 1 in its own namespace (NSpid: <host pid> 1).
  const status = fs.readFileSync(`/proc/${container.pid}/status`, 'utf8');
  const nspid = status.match(/^NSpid:\s+(.*)$/m)![1].trim().split(/\s+/).map(Number);
  assert.deepEqual(nspid, [container.pid, 1]);
  container.kill('KILL');
  await container.wait();
  assert.equal(output().stdout.trim(), 'glassbox-init');
});

test('every namespace differs from the host\'s: user, pid, mnt, uts, ipc, net, cgroup; time stays shared', { timeout: 60_000 }, async (t) => {
  const inside = await h.probe<Record<string, number>>(t, ['ns']);
  const host = nsInodes('self');
  for (const name of NS) {
    assert.ok(inside[name] > 0, `${name} namespace inode inside is ${inside[name]}`);
    assert.notEqual(inside[name], host[name], `${name} namespace is the host's`);
  }
  // Not asked for: the time namespace is the host's (so the assertion above can tell the difference).
  if (host.time) assert.equal(inside.time, host.time);
});

test('a time namespace with a boottime offset: its own ns, and /proc/uptime shifted', { timeout: 60_000 }, async (t) => {
  const host = nsInodes('self');
  if (!host.time) return t.skip('this kernel has no time namespaces');
  const offset = 10 * 86400;
  const partial = { linux: { namespaces: [...DEFAULT_NS, { type: 'time' }], timeOffsets: { boottime: { secs: offset, nanosecs: 0 } } } };
  const before = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const r = await h.run(t, ['/bin/sh', '-c', `cat /proc/uptime; ${GBPROBE} ns`], { partial });
  const after = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  assert.equal(r.exit.code, 0, r.stderr);
  const [uptimeLine, nsLine] = r.stdout.trim().split('\n');
  const uptime = Number(uptimeLine.split(' ')[0]);
  assert.ok(uptime >= before + offset && uptime <= after + offset, `uptime inside ${uptime}, host ${before}..${after}, offset ${offset}`);
  const inside = JSON.parse(nsLine) as Record<string, number>;
  assert.notEqual(inside.time, host.time, 'time namespace is the host\'s');
});

test('hostname from the config, a non-identity uid_map, image files owned by root inside (idmapped layers)', { timeout: 60_000 }, async (t) => {
  const hostname = `gb-${process.pid}`;
  const { container, output } = await h.create(t, h.config(
    ['/bin/sh', '-c', `${GBPROBE} hostname; cat /proc/self/uid_map; stat -c %u /bin/busybox; stat -c %u /usr/local/bin/gbprobe`], { hostname }));
  await container.start();
  const exit = await container.wait();
  assert.equal(exit.code, 0, output().stderr);
  const [hn, uidMap, owner, probeOwner] = output().stdout.trim().split('\n');
  assert.equal(JSON.parse(hn).hostname, hostname);
  const [inside, outside, size] = uidMap.trim().split(/\s+/).map(Number);
  assert.equal(inside, 0);
  assert.notEqual(outside, 0, `uid_map "${uidMap}" is the identity`);
  assert.equal(outside, container.state.uidBase);
  assert.ok(size > 0 && size < 4294967295, `uid_map size ${size}`);
  assert.equal(owner, '0', '/bin/busybox is not owned by root inside');
  assert.equal(probeOwner, '0', 'the tools layer is not owned by root inside');
  // On the host the layer files are owned by root (uid 0), which the container's map does not include: only the idmapped mount makes them 0 inside.
  assert.equal(container.state.idmap, h.engine.idmap.idmapSupported());
  const busybox = container.state.layers.map((l) => path.join(l.dir, 'bin/busybox')).find((f) => fs.existsSync(f));
  if (busybox) assert.equal(fs.statSync(busybox).uid, 0);
});

test('the chowned-copy fallback (GLASSBOX_IDMAP=0) gives the same view', { timeout: 120_000 }, async () => {
  const script = path.join(h.root, 'noidmap.mts');
  const out = path.join(h.root, 'noidmap.out');
  fs.writeFileSync(script, `
import fs from 'node:fs';
const { Container } = await import(${JSON.stringify(path.resolve('server/engine/container.ts'))});
const { secureDefaults } = await import(${JSON.stringify(path.resolve('server/engine/config/index.ts'))});
const { resolveImage } = await import(${JSON.stringify(path.resolve('server/engine/images/index.ts'))});
const fd = fs.openSync(${JSON.stringify(out)}, 'w');
const config = secureDefaults({ args: ['/bin/sh', '-c', 'stat -c %u /bin/busybox; cat /proc/self/uid_map; echo x >> /etc/passwd && echo wrote'] });
const c = await Container.create({ config, image: await resolveImage('busybox'), stdio: [fd, fd, fd] });
try {
  await c.start();
  const exit = await c.wait();
  console.log(JSON.stringify({ exit, idmap: c.state.idmap, lowerDirs: c.state.lowerDirs, uidBase: c.state.uidBase }));
} finally {
  await c.delete();
}
`);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, GLASSBOX_IDMAP: '0' }, stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd(),
  });
  const r = await collect(child);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { exit: { code: number }; idmap: boolean; lowerDirs: string[]; uidBase: number };
  assert.equal(result.exit.code, 0);
  assert.equal(result.idmap, false);
  const [owner, uidMap, wrote] = fs.readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(owner, '0', 'with chowned copies, /bin/busybox is still root inside');
  assert.notEqual(uidMap.trim().split(/\s+/)[1], '0');
  assert.equal(wrote, 'wrote', 'root inside can write the chowned lower files (copy-up)');
  // The lower dirs it used are chowned copies: owned on the host by the container's base uid.
  const lowerBusybox = result.lowerDirs.map((d) => path.join(d, 'bin/busybox')).find((f) => fs.existsSync(f));
  assert.ok(lowerBusybox, `no bin/busybox in ${result.lowerDirs.join(', ')}`);
  assert.equal(fs.statSync(lowerBusybox).uid, result.uidBase);
});

test('exec joins the running container: same hostname and namespaces, seccomp and no_new_privs', { timeout: 60_000 }, async (t) => {
  const hostname = 'exec-box';
  const { container } = await h.create(t, h.config([GBPROBE, 'sleep', '1000'], { hostname }));
  await container.start();
  const r = await collect(container.exec(['/bin/sh', '-c', 'hostname; cat /proc/self/status']));
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], hostname);
  assert.match(r.stdout, /^Seccomp:\s+2$/m);
  assert.match(r.stdout, /^NoNewPrivs:\s+1$/m);
  const ns = await collect(container.exec([GBPROBE, 'ns']));
  assert.equal(ns.code, 0, ns.stderr);
  const joined = JSON.parse(ns.stdout) as Record<string, number>;
  const init = nsInodes(container.pid);
  for (const name of [...NS, 'time']) assert.equal(joined[name], init[name], `exec is not in the init's ${name} namespace`);
  assert.notEqual(joined.mnt, nsInodes('self').mnt);
  // A missing program inside: the shell's conventional 127, not a crash of glassbox-enter.
  const missing = await collect(container.exec(['/no/such/program']));
  assert.equal(missing.code, 127, missing.stderr);
});

test('delete() of a running container removes its processes, mounts, cgroup, directory and uid slot', { timeout: 60_000 }, async (t) => {
  const { container } = await h.create(t, h.config(['/bin/sh', '-c', `${GBPROBE} sleep 1000 & ${GBPROBE} sleep 1000`]));
  await container.start();
  const s = container.state;
  const { isAlive } = h.engine.state;
  assert.ok(isAlive(s.pid, s.pidStartTime));
  assert.ok(h.engine.cleanup.mountsUnder(s.dir).length > 0, 'a running container has mounts under its dir');
  assert.ok(s.cgroup.dirs.length > 0 && s.cgroup.dirs.every((d) => fs.existsSync(d)));
  assert.notEqual(s.usernsSlot, null);
  assert.equal(h.engine.userns.slotOwner(s.usernsSlot!), s.id);
  // init, the background probe and the shell (which execs the last probe): it forks after start() returns, so wait
  await until(() => container.cgroupStats()!.pidsCurrent >= 3, `pids.current ${container.cgroupStats()!.pidsCurrent} reaching 3`);
  await container.delete();
  assert.equal(isAlive(s.pid, s.pidStartTime), false);
  assert.deepEqual(h.engine.cleanup.mountsUnder(s.dir), []);
  for (const d of s.cgroup.dirs) assert.equal(fs.existsSync(d), false, `${d} is left`);
  assert.equal(fs.existsSync(s.dir), false);
  assert.equal(h.engine.userns.slotOwner(s.usernsSlot!), null);
  assert.equal(Container.load(s.id), null);
});

test('startNow creates and starts in one step: the process is running when create resolves', { timeout: 60_000 }, async (t) => {
  const { container, output } = await h.create(t, h.config(['/bin/sh', '-c', 'echo started; exit 7']), { startNow: true });
  assert.equal(container.status, 'running');
  await assert.rejects(container.start(), /is running, not created/);
  const exit = await container.wait();
  assert.equal(exit.code, 7);
  assert.equal(output().stdout, 'started\n');
});

h.leakCheck();
