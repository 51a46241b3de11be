// network.test.ts - the lab network: containers reach each other over the bridge, never the host's own addresses.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { test } from 'node:test';
import { GBPROBE, setupHarness } from './testing.ts';

const h = await setupHarness('net');

/** The host's own non-loopback IPv4 addresses. */
function hostAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
}

test('two lab containers talk over the bridge; the host and its server port are unreachable', { timeout: 120_000 }, async (t) => {
  // a server on every host address, as `glassbox serve --host 0.0.0.0` would be
  const server = net.createServer((s) => s.end('host\n'));
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  t.after(() => server.close());
  const port = (server.address() as net.AddressInfo).port;

  const { container: a } = await h.create(t, h.config(['sh', '-c', 'while true; do nc -l -p 80 -e echo from-a; done'], { flags: { net: 'lab' } }), { net: 'lab' });
  await a.start();
  assert.match(a.state.netAddress ?? '', /^10\.213\.\d+\.\d+$/);

  const reach = await h.run(t, ['sh', '-c', `sleep 0.3; nc -w 2 ${a.state.netAddress} 80`], { flags: { net: 'lab' }, create: { net: 'lab' } });
  assert.equal(reach.stdout.trim(), 'from-a', 'the second container reaches the first through the bridge');

  const targets = [...hostAddresses(), '127.0.0.1'];
  assert.ok(targets.length > 1, 'the host has an address besides loopback');
  for (const addr of targets) {
    const r = await h.run(t, [GBPROBE, 'connect', addr, String(port)], { flags: { net: 'lab' }, create: { net: 'lab' } });
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(out.connected, false, `host address ${addr}:${port} must be unreachable from the lab network (${r.stdout})`);
  }
  // the bridge carries no host address
  const bridge = execFileSync('ip', ['-4', 'addr', 'show', 'gb-lab0'], { encoding: 'utf8' });
  assert.doesNotMatch(bridge, /inet /);
});

test('lesson permission "unshare" is granted only to the container that asks for it', { timeout: 60_000 }, async (t) => {
  const without = await h.run(t, ['unshare', '-U', '-r', 'id', '-u']);
  assert.notEqual(without.exit.code, 0, 'the default profile refuses unshare');
  const withAllow = await h.run(t, ['unshare', '-U', '-r', 'id', '-u'], { create: { allow: ['unshare'] } });
  assert.equal(withAllow.exit.code, 0, `with allow: [unshare]: ${withAllow.stderr}`);
  assert.equal(withAllow.stdout.trim(), '0');
});

test('lesson permission "hostname" lets the container rename itself without opening mount or unshare', { timeout: 60_000 }, async (t) => {
  const denied = await h.run(t, ['hostname', 'glass']);
  assert.notEqual(denied.exit.code, 0, 'Docker\'s default set cannot sethostname');
  const r = await h.run(t, ['sh', '-c', `hostname glass && hostname && ${GBPROBE} syscall mount`], { create: { allow: ['hostname'] } });
  assert.equal(r.exit.code, 0, r.stderr);
  const [name, probe] = r.stdout.trim().split('\n');
  assert.equal(name, 'glass');
  assert.equal(JSON.parse(probe).error, 'EPERM', 'the seccomp profile is still the default set\'s: mount stays denied');
});

h.leakCheck();
