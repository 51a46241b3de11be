// config.test.ts - parseConfig, secureDefaults and mergeConfig against the runtime spec and `runc spec` output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { parseConfig, secureDefaults, mergeConfig, configProblems, DOCKER_DEFAULT_CAPS, type OciConfig } from './index.ts';

const defaults = () => secureDefaults({ args: ['/bin/sh'] });

/** Asserts that parsing throws a UserError whose message is exactly `message` (or matches it). */
function refuses(json: unknown, message: string | RegExp): void {
  assert.throws(() => parseConfig(json), (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

function edited(edit: (c: any) => void): unknown {
  const c: any = defaults();
  edit(c);
  return c;
}

test('secure defaults validate and say what the brief says', () => {
  const c = parseConfig(defaults());
  assert.deepEqual(c.linux?.namespaces?.map((n) => n.type).sort(), ['cgroup', 'ipc', 'mount', 'network', 'pid', 'user', 'uts']);
  assert.deepEqual(c.linux?.uidMappings, []);
  assert.deepEqual(c.process.capabilities?.bounding, DOCKER_DEFAULT_CAPS);
  assert.deepEqual(c.process.capabilities?.ambient, []);
  assert.equal(c.process.noNewPrivileges, true);
  assert.equal(c.linux?.resources?.memory?.limit, 256 * 1024 * 1024);
  assert.equal(c.linux?.resources?.pids?.limit, 128);
  assert.deepEqual(c.linux?.resources?.cpu, { quota: 100000, period: 100000 });
  assert.equal(c.linux?.seccomp, undefined);
  assert.ok(!c.mounts?.find((m) => m.destination === '/dev/pts')?.options?.includes('gid=5'));
  assert.ok(c.linux?.maskedPaths?.includes('/sys/devices/virtual/powercap'));
  assert.equal(c.hostname, 'glassbox');
  assert.ok(c.process.env?.includes('HOME=/root'));
});

test('secureDefaults merges env over its defaults and takes a user', () => {
  const c = secureDefaults({ args: ['id'], env: ['TERM=dumb', 'A=1'], user: { uid: 1000, gid: 1000 }, cwd: '/tmp', hostname: 'h' });
  assert.deepEqual(c.process.env?.slice(1), ['TERM=dumb', 'HOME=/', 'A=1']);
  assert.equal(c.process.user.uid, 1000);
  assert.equal(parseConfig(c).hostname, 'h');
});

for (const rootless of [true, false]) {
  test(`runc spec${rootless ? ' --rootless' : ''} output parses`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-runc-spec-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync('runc', ['spec', ...(rootless ? ['--rootless'] : [])], { cwd: dir });
    const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    // runc 1.1 writes nothing glassbox refuses: no problems at all.
    assert.deepEqual(configProblems(json), []);
    const c = parseConfig(json);
    assert.deepEqual(c.process.args, ['sh']);
    if (rootless) assert.equal(c.linux?.uidMappings?.length, 1);
  });
}

test('unsupported fields are refused by name', () => {
  refuses(edited((c) => { c.hooks = { prestart: [] }; }), 'config.json: hooks is not supported by glassbox');
  refuses(edited((c) => { c.linux.resources.blockIO = { weight: 10 }; }), 'config.json: linux.resources.blockIO is not supported by glassbox');
  refuses(edited((c) => { c.linux.mountLabel = 'x'; }), 'config.json: linux.mountLabel is not supported by glassbox');
  refuses(edited((c) => { c.linux.intelRdt = {}; }), 'config.json: linux.intelRdt is not supported by glassbox');
  refuses(edited((c) => { c.linux.personality = { domain: 'LINUX' }; }), 'config.json: linux.personality is not supported by glassbox');
  refuses(edited((c) => { c.mounts[1].uidMappings = []; }), 'config.json: mounts[1].uidMappings is not supported by glassbox');
});

test('unknown keys at any level name the full path', () => {
  refuses(edited((c) => { c.proces = {}; }), 'config.json: proces is not a field glassbox knows');
  refuses(edited((c) => { c.linux.resources.memory.limt = 1; }), 'config.json: linux.resources.memory.limt is not a field glassbox knows');
  refuses(edited((c) => { c.linux.namespaces[3].name = 'x'; }), 'config.json: linux.namespaces[3].name is not a field glassbox knows');
});

test('wrong types, relative cwd, bad namespace and capability name the field', () => {
  refuses(edited((c) => { c.process.terminal = 'yes'; }), 'config.json: process.terminal: expected true or false, got "yes"');
  refuses(edited((c) => { c.process.cwd = 'tmp'; }), 'config.json: process.cwd: "tmp" is not an absolute path (start it with /)');
  refuses(edited((c) => { c.linux.namespaces[2].type = 'foo'; }),
    'config.json: linux.namespaces[2].type: "foo" is not one of pid, network, mount, ipc, uts, user, cgroup, time');
  refuses(edited((c) => { c.process.capabilities.effective[0] = 'NET_ADMIN'; }),
    /^config\.json: process\.capabilities\.effective\[0\]: "NET_ADMIN" is not a capability/);
  refuses(edited((c) => { c.process.args = []; }), /^config\.json: process\.args: must name a program/);
  refuses(edited((c) => { delete c.process.cwd; }), 'config.json: process.cwd is required');
  refuses(edited((c) => { c.ociVersion = '2.0.0'; }), /^config\.json: ociVersion: glassbox reads OCI runtime spec versions 1\.0\.x to 1\.2\.x/);
  refuses([], 'config.json: expected a JSON object, got an array');
  assert.throws(() => parseConfig({}, 'bundle/config.json'), /^UserError: bundle\/config\.json: /);
});

test('cross-field rules: namespace paths, hostnames, sysctls, mounts, devices, annotations', () => {
  refuses(edited((c) => { c.linux.namespaces[0] = { type: 'pid', path: '/proc/1/ns/pid' }; }),
    'config.json: linux.namespaces[0].path: joining an existing pid namespace is not supported by glassbox (only a network namespace may have a path)');
  parseConfig(edited((c) => { c.linux.namespaces[1] = { type: 'network', path: '/run/netns/lab' }; }));
  refuses(edited((c) => { c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'uts'); }), /^config\.json: hostname: needs a uts namespace/);
  refuses(edited((c) => { c.linux.namespaces.push({ type: 'pid' }); }), 'config.json: linux.namespaces[7].type: "pid" is listed twice');
  parseConfig(edited((c) => { c.linux.sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000', 'kernel.sem': '1 2 3 4' }; }));
  refuses(edited((c) => { c.linux.sysctl = { 'kernel.domainname': 'x' }; }), /^config\.json: linux\.sysctl\["kernel\.domainname"\]: not a namespaced sysctl, so not supported by glassbox/);
  refuses(edited((c) => { c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'ipc'); c.linux.sysctl = { 'kernel.msgmax': '1' }; }),
    /^config\.json: linux\.sysctl\["kernel\.msgmax"\]: needs an ipc namespace/);
  refuses(edited((c) => { c.mounts.push({ destination: '/x', source: '/tmp' }); }), /^config\.json: mounts\[6\]\.type: missing: give a type/);
  parseConfig(edited((c) => { c.mounts.push({ destination: '/x', type: 'none', source: '/tmp', options: ['rbind', 'ro'] }); }));
  refuses(edited((c) => { c.mounts[0].options = ['nosuid', 'loud']; }), 'config.json: mounts[0].options[1]: "loud" is not a mount option glassbox supports');
  refuses(edited((c) => { c.mounts[1].options = ['mode=abc']; }), 'config.json: mounts[1].options[0]: "mode=abc" has a malformed value');
  refuses(edited((c) => { c.mounts[0].destination = 'proc'; }), /^config\.json: mounts\[0\]\.destination: "proc" is not an absolute path/);
  refuses(edited((c) => { c.linux.resources.devices = [{ allow: true, access: 'rwm' }]; }), /^config\.json: linux\.resources\.devices\[0\]: must deny every device/);
  refuses(edited((c) => { c.annotations['org.glassbox.net'] = 'host'; }), 'config.json: annotations["org.glassbox.net"]: "host" is not none or lab');
  refuses(edited((c) => { c.annotations['org.glassbox.nett'] = 'lab'; }), /^config\.json: annotations\["org\.glassbox\.nett"\]: unknown glassbox annotation/);
  parseConfig(edited((c) => { c.annotations = { 'org.glassbox.allow': 'unshare,mount', 'org.example.x': 'anything' }; }));
  refuses(edited((c) => { c.linux.timeOffsets = { monotonic: { secs: 1, nanosecs: 0 } }; }), /^config\.json: linux\.timeOffsets: needs a time namespace/);
  parseConfig(edited((c) => { c.linux.namespaces.push({ type: 'time' }); c.linux.timeOffsets = { boottime: { secs: -5, nanosecs: 7 } }; }));
  refuses(edited((c) => { c.process.rlimits[0].soft = 2048; }), 'config.json: process.rlimits[0].soft: soft must not be above hard');
});

test('the user message holds one line; the other problems go to the hint', () => {
  try {
    parseConfig(edited((c) => { c.hooks = {}; c.hostnam = 'x'; }));
    assert.fail('should have thrown');
  } catch (err) {
    assert.ok(err instanceof UserError);
    assert.ok(!err.message.includes('\n'));
    assert.match(err.hint ?? '', /1 more: hostnam is not a field glassbox knows/);
  }
});

test('mergeConfig lays a lesson partial over the defaults and re-validates', () => {
  const base = defaults();
  const lesson = { hostname: 'ns-lab', linux: { namespaces: [{ type: 'pid' }, { type: 'uts' }, { type: 'mount' }, { type: 'user' }] } };
  const merged = mergeConfig(base, lesson);
  assert.equal(merged.hostname, 'ns-lab');
  assert.deepEqual(merged.linux?.namespaces?.map((n) => n.type), ['pid', 'uts', 'mount', 'user']); // arrays replace
  assert.equal(merged.linux?.resources?.pids?.limit, 128); // untouched fields stay
  assert.equal(base.hostname, 'glassbox'); // base is not changed
  assert.equal(mergeConfig(base, { linux: { resources: null } }).linux?.resources, undefined);
  assert.throws(() => mergeConfig(base, { linux: { namespaces: [{ type: 'net' }] } }),
    /^UserError: container: linux\.namespaces\[0\]\.type: "net" is not one of/);
  assert.throws(() => mergeConfig(base, { hostname: 'x', linux: { namespaces: [{ type: 'pid' }] } }), /container: hostname: needs a uts namespace/);
  assert.throws(() => mergeConfig(base, JSON.parse('{"__proto__": {"x": 1}}')), /__proto__ is not a field/);
  assert.throws(() => mergeConfig(base, ['x']), /expected a partial OCI config/);
  const same: OciConfig = mergeConfig(base, undefined);
  assert.deepEqual(same, base);
});
