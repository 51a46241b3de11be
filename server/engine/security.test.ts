// security.test.ts - the secure defaults, checked inside a real container: caps, no_new_privs, seccomp, masked /proc, no host network, refused configs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { GBPROBE, setupHarness } from './testing.ts';

const h = await setupHarness('security');
const { capMask, DOCKER_DEFAULT_CAPS, parseConfig, secureDefaults } = h.engine.config;
const { Container } = h.engine.container;
const hex = (mask: bigint) => mask.toString(16).padStart(16, '0');
const bit = (mask: string, n: number) => ((BigInt(`0x${mask}`) >> BigInt(n)) & 1n) === 1n;

interface Status { capEff: string; capPrm: string; capBnd: string; capInh: string; capAmb: string; noNewPrivs: number; seccomp: number; uid: number }

test('CapEff is Docker\'s default set without NET_RAW, MKNOD, SETFCAP; no_new_privs 1; seccomp filter mode 2', { timeout: 60_000 }, async (t) => {
  const s = await h.probe<Status>(t, ['status']);
  assert.equal(s.capEff, hex(capMask(DOCKER_DEFAULT_CAPS)));
  assert.equal(s.capBnd, hex(capMask(DOCKER_DEFAULT_CAPS)));
  assert.equal(s.capAmb, '0000000000000000');
  for (const [name, n] of [['NET_RAW', 13], ['MKNOD', 27], ['SETFCAP', 31], ['SYS_ADMIN', 21], ['NET_ADMIN', 12]] as const)
    assert.equal(bit(s.capEff, n), false, `CAP_${name} is effective`);
  assert.equal(s.noNewPrivs, 1);
  assert.equal(s.seccomp, 2);
  assert.equal(s.uid, 0);
});

test('--cap-add NET_ADMIN adds bit 12 and nothing else', { timeout: 60_000 }, async (t) => {
  const s = await h.probe<Status>(t, ['status'], { flags: { capAdd: ['NET_ADMIN'] } });
  assert.equal(bit(s.capEff, 12), true, `CapEff ${s.capEff}`);
  assert.equal(s.capEff, hex(capMask([...DOCKER_DEFAULT_CAPS, 'CAP_NET_ADMIN'])));
});

for (const name of ['reboot', 'mount', 'keyctl', 'bpf']) {
  test(`${name}(2) fails with EPERM under the default profile`, { timeout: 60_000 }, async (t) => {
    const r = await h.probe<{ syscall: string; ret: number; errno: number; error: string | null }>(t, ['syscall', name]);
    assert.equal(r.syscall, name);
    assert.equal(r.ret, -1);
    assert.equal(r.error, 'EPERM', JSON.stringify(r));
  });
}

test('masked /proc paths read empty; /proc/sys is read-only', { timeout: 60_000 }, async (t) => {
  const masked = ['/proc/keys', '/proc/timer_list', ...(fs.existsSync('/proc/kcore') ? ['/proc/kcore'] : [])];
  // On the host they are not empty, so "empty" inside is the mask's doing.
  assert.notEqual(fs.readFileSync('/proc/timer_list').length, 0);
  const script = masked.map((p) => `${GBPROBE} read ${p}`).join('; ') +
    '; echo probe > /proc/sys/kernel/hostname; echo "rc=$?"; hostname';
  const r = await h.run(t, ['/bin/sh', '-c', script]);
  assert.equal(r.exit.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  masked.forEach((p, i) => assert.deepEqual(JSON.parse(lines[i]), { bytes: 0, empty: true }, `${p}: ${lines[i]}`));
  // Root of the container's uts namespace could write kernel/hostname; the read-only bind refuses it.
  assert.notEqual(lines[masked.length], 'rc=0', r.stderr);
  assert.match(r.stderr, /Read-only file system/);
  assert.equal(lines[masked.length + 1], 'gbtest');
});

test('a server on the host\'s loopback is unreachable from inside', { timeout: 60_000 }, async (t) => {
  const server = net.createServer((socket) => socket.on('error', () => {}).destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as net.AddressInfo).port;
  // From the host it answers: a "not connected" inside is the network namespace, not a dead server.
  await new Promise<void>((resolve, reject) => {
    const client = net.connect(port, '127.0.0.1', () => { client.removeListener('error', reject); client.on('error', () => {}).destroy(); resolve(); });
    client.on('error', reject);
  });
  const r = await h.probe<{ connected: boolean; error?: string }>(t, ['connect', '127.0.0.1', String(port)]);
  assert.equal(r.connected, false, JSON.stringify(r));
  assert.equal(r.error, 'ECONNREFUSED', 'the container\'s own loopback is up and empty');
});

test('bad configs are refused with the field named', { timeout: 60_000 }, async () => {
  const bad = secureDefaults({ args: ['/bin/sh'] }) as unknown as { linux: { namespaces: Array<{ type: string }> }; process: { cwd: string } };
  bad.linux.namespaces.push({ type: 'bogus' });
  assert.throws(() => parseConfig(structuredClone(bad)), (e: Error) => e.name === 'UserError' && /linux\.namespaces\[\d+\]\.type/.test(e.message));
  bad.linux.namespaces.pop();
  bad.process.cwd = 'relative/dir';
  assert.throws(() => parseConfig(structuredClone(bad)), (e: Error) => e.name === 'UserError' && /process\.cwd/.test(e.message) && /absolute/.test(e.message));
  const withBind = h.config(['/bin/true'], { partial: { mounts: [...secureDefaults({ args: [] }).mounts!, { destination: '/host', type: 'bind', source: '/etc', options: ['rbind', 'ro'] }] } });
  await assert.rejects(Container.create({ config: withBind, image: h.image, allowHostBinds: false, stdio: [0, 1, 2] }),
    (e: Error) => e.name === 'UserError' && /^mounts/.test(e.message) && e.message.includes('/etc'));
});

test('a failing native step is a clean error naming stage, syscall and path', { timeout: 60_000 }, async (t) => {
  const cfg = h.config(['/bin/true'], { partial: { process: { cwd: '/no/such/dir' } } });
  let caught: unknown;
  try {
    const { container } = await h.create(t, cfg);
    await container.start();
    await container.wait();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, 'create/start did not reject');
  const e = caught as Error & { stage?: string; syscall?: string; path?: string; code?: string };
  assert.match(e.message, /cwd/);
  assert.match(e.message, /ENOENT/);
  assert.equal(e.name, 'NativeError');
  assert.equal(e.code, 'ENOENT');
  assert.ok(e.stage && e.syscall, `stage ${e.stage}, syscall ${e.syscall}`);
  assert.ok(e.path?.includes('/no/such/dir'), `path ${e.path}`);
});

test('args naming a missing program exit 127', { timeout: 60_000 }, async (t) => {
  const r = await h.run(t, ['/no/such/program']);
  assert.equal(r.exit.code, 127, r.stderr);
  assert.equal(r.exit.oomKilled, false);
});

h.leakCheck();
