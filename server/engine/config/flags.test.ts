// flags.test.ts - `glassbox run` flags (applyRunFlags), sizes and CPUs, capabilities and mount flag numbers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import {
  applyRunFlags, secureDefaults, parseSize, parseCpus, mountFlags, MS, capNumber, capMask, ALL_CAPS, DOCKER_DEFAULT_CAPS,
} from './index.ts';

const base = () => secureDefaults({ args: ['/bin/sh'] });

function userError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

test('parseSize reads k, m and g as binary units', () => {
  assert.equal(parseSize('64m'), 64 * 1024 * 1024);
  assert.equal(parseSize('1g'), 1024 ** 3);
  assert.equal(parseSize('512k'), 512 * 1024);
  assert.equal(parseSize('1048576'), 1048576);
  assert.equal(parseSize('1.5G'), 1.5 * 1024 ** 3);
  for (const bad of ['12q', '', 'm', '-1m', '1.5', '1 g']) {
    userError(() => parseSize(bad), `malformed size "${bad}" (use a number with k, m or g)`);
  }
});

test('parseCpus turns CPUs into a CFS quota per 100 ms period', () => {
  assert.deepEqual(parseCpus('0.5'), { quota: 50000, period: 100000 });
  assert.deepEqual(parseCpus('2'), { quota: 200000, period: 100000 });
  assert.deepEqual(parseCpus('.25'), { quota: 25000, period: 100000 });
  assert.deepEqual(parseCpus('1024'), { quota: 102400000, period: 100000 });
  userError(() => parseCpus('half'), 'malformed cpus "half" (use a number of CPUs such as 0.5 or 2)');
  userError(() => parseCpus('-1'), 'malformed cpus "-1" (use a number of CPUs such as 0.5 or 2)');
  userError(() => parseCpus('0'), 'cpus "0" must be more than 0');
  userError(() => parseCpus('1025'), 'cpus "1025" is more than 1024');
  userError(() => parseCpus('0.001'), /^cpus "0.001" is less than 0.01/);
});

test('capability numbers and masks match linux/capability.h', () => {
  assert.equal(ALL_CAPS.length, 41);
  assert.equal(capNumber('CAP_CHOWN'), 0);
  assert.equal(capNumber('CAP_SYS_ADMIN'), 21);
  assert.equal(capNumber('CAP_CHECKPOINT_RESTORE'), 40);
  assert.equal(capMask(['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN']), (1n << 0n) | (1n << 5n) | (1n << 21n));
  // Docker's CapEff (a80425fb) minus NET_RAW (bit 13), MKNOD (27) and SETFCAP (31).
  assert.equal(capMask(DOCKER_DEFAULT_CAPS), 0xa80425fbn & ~((1n << 13n) | (1n << 27n) | (1n << 31n)));
  assert.equal(capMask(DOCKER_DEFAULT_CAPS).toString(16), '200405fb');
  assert.equal(capMask(ALL_CAPS), (1n << 41n) - 1n);
  userError(() => capNumber('CAP_FLY'), '"CAP_FLY" is not a capability');
});

test('mountFlags gives the MS_* numbers, propagation apart, and the data string', () => {
  assert.deepEqual(mountFlags(['nosuid', 'noexec', 'nodev', 'ro']), { flags: 1 | 2 | 4 | 8, propagation: 0, data: '' });
  assert.deepEqual(mountFlags(['rbind', 'rprivate']), { flags: 4096 | 16384, propagation: (1 << 18) | 16384, data: '' });
  assert.deepEqual(mountFlags(['nosuid', 'strictatime', 'mode=755', 'size=65536k']), { flags: 2 | (1 << 24), propagation: 0, data: 'mode=755,size=65536k' });
  assert.deepEqual(mountFlags(['newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']).data, 'newinstance,ptmxmode=0666,mode=0620,gid=5');
  assert.equal(mountFlags(['ro', 'rw']).flags, 0);
  assert.equal(mountFlags(['relatime']).flags, MS.RELATIME);
  assert.equal(MS.RELATIME, 2097152);
  assert.equal(mountFlags(['slave', 'shared']).propagation, 1 << 20);
  userError(() => mountFlags(['loud']), 'mount option "loud" is not a mount option glassbox supports');
});

test('applyRunFlags sets memory, pids, cpu, hostname and net', () => {
  const before = base();
  const c = applyRunFlags(before, { memory: '64m', pids: '32', cpus: '0.5', hostname: 'web', net: 'lab', name: 'c1' });
  assert.equal(c.linux?.resources?.memory?.limit, 64 * 1024 * 1024);
  assert.equal(c.linux?.resources?.memory?.swap, 64 * 1024 * 1024);
  assert.equal(c.linux?.resources?.pids?.limit, 32);
  assert.deepEqual(c.linux?.resources?.cpu, { quota: 50000, period: 100000 });
  assert.equal(c.hostname, 'web');
  assert.equal(c.annotations?.['org.glassbox.net'], 'lab');
  assert.equal(c.annotations?.['org.glassbox.name'], 'c1');
  assert.equal(before.linux?.resources?.pids?.limit, 128); // the base is left alone
  userError(() => applyRunFlags(base(), { memory: '1m' }), 'memory "1m" is below the minimum of 6m');
  userError(() => applyRunFlags(base(), { memory: '12q' }), 'malformed size "12q" (use a number with k, m or g)');
  userError(() => applyRunFlags(base(), { pids: '0' }), 'malformed pids "0" (use a whole number, at least 1)');
  userError(() => applyRunFlags(base(), { name: 'a b' }), /^glassbox run: annotations\["org\.glassbox\.name"\]: "a b" is not a container name/);
});

test('applyRunFlags adds and drops capabilities in either spelling', () => {
  const c = applyRunFlags(base(), { capAdd: ['NET_ADMIN', 'cap_sys_ptrace'], capDrop: ['CAP_CHOWN', 'kill'] });
  const bounding = c.process.capabilities?.bounding ?? [];
  assert.ok(bounding.includes('CAP_NET_ADMIN') && bounding.includes('CAP_SYS_PTRACE'));
  assert.ok(!bounding.includes('CAP_CHOWN') && !bounding.includes('CAP_KILL'));
  assert.deepEqual(c.process.capabilities?.effective, bounding);
  assert.deepEqual(c.process.capabilities?.permitted, bounding);
  const only = applyRunFlags(base(), { capDrop: ['ALL'], capAdd: ['NET_BIND_SERVICE'] });
  assert.deepEqual(only.process.capabilities?.bounding, ['CAP_NET_BIND_SERVICE']);
  const all = applyRunFlags(base(), { capAdd: ['all'], capDrop: ['SYS_ADMIN'] });
  assert.equal(all.process.capabilities?.bounding?.length, ALL_CAPS.length - 1);
  userError(() => applyRunFlags(base(), { capAdd: ['NET_ADMINN'] }), 'unknown capability "NET_ADMINN"');
  assert.throws(() => applyRunFlags(base(), { capAdd: ['FLY'] }),
    (err: UserError) => /CAP_NET_ADMIN \(or NET_ADMIN on the command line\)/.test(err.hint ?? ''));
  userError(() => applyRunFlags(base(), { capAdd: ['KILL'], capDrop: ['CAP_KILL'] }), 'CAP_KILL is in both --cap-add and --cap-drop');
});

test('--no-userns removes the user namespace and its mappings', () => {
  const c = applyRunFlags(base(), { noUserns: true });
  assert.ok(!c.linux?.namespaces?.some((n) => n.type === 'user'));
  assert.equal(c.linux?.uidMappings, undefined);
  assert.equal(c.linux?.gidMappings, undefined);
  assert.equal(c.linux?.namespaces?.length, 6);
});

test('args, env and cwd flags; seccomp default, unconfined or a file', (t) => {
  const c = applyRunFlags(base(), { args: ['ls', '-l'], env: ['TERM=dumb', 'X=1'], cwd: '/tmp' });
  assert.deepEqual(c.process.args, ['ls', '-l']);
  assert.ok(c.process.env?.includes('TERM=dumb') && c.process.env.includes('X=1') && !c.process.env.includes('TERM=xterm'));
  userError(() => applyRunFlags(base(), { cwd: 'tmp' }), 'glassbox run: process.cwd: "tmp" is not an absolute path (start it with /)');
  assert.equal(applyRunFlags(base(), { seccomp: 'unconfined' }).annotations?.['org.glassbox.seccomp'], 'unconfined');
  const dir = mkdtempSync(join(tmpdir(), 'gb-seccomp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'p.json'), '{"defaultAction":"SCMP_ACT_ALLOW"}');
  assert.deepEqual(applyRunFlags(base(), { seccomp: join(dir, 'p.json') }).linux?.seccomp, { defaultAction: 'SCMP_ACT_ALLOW' });
  userError(() => applyRunFlags(base(), { seccomp: join(dir, 'missing.json') }), /^cannot read seccomp profile .*missing\.json: ENOENT$/);
  const unconfined = applyRunFlags(base(), { seccomp: 'unconfined' });
  assert.equal(applyRunFlags(unconfined, { seccomp: 'default' }).annotations?.['org.glassbox.seccomp'], undefined);
});
