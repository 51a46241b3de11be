// profile.test.ts - loading, validating and resolving seccomp profiles (no filter is loaded here).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../errors.ts';
import { filterFlags, kernelAtLeast, loadProfile, toOci, validateOciSeccomp, type OciSeccomp } from './index.ts';

const dockerDefaultCaps = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** The action the resolved profile gives a syscall when no args are involved, or undefined (= defaultAction). */
function ruleFor(p: OciSeccomp, name: string) {
  return p.syscalls?.filter((s) => s.names.includes(name));
}

function tempFile(t: { after(fn: () => void): void }, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-seccomp-profile-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'profile.json');
  fs.writeFileSync(file, text);
  return file;
}

test('unconfined is no profile at all', () => {
  assert.equal(loadProfile('unconfined'), null);
});

test('the built-in profiles load and are what they claim', () => {
  const d = loadProfile('default')!;
  assert.equal(d.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(d.defaultErrnoRet, 1);
  assert.ok(d.syscalls!.some((s) => s.names?.includes('getpid') && s.action === 'SCMP_ACT_ALLOW'));
  const strict = loadProfile('strict')!;
  assert.match(strict.comment!, /personality/);
  const allNames = strict.syscalls!.flatMap((s) => s.names ?? []);
  for (const denied of ['personality', 'ptrace', 'unshare', 'setns', 'mount', 'kcmp', 'process_vm_readv', 'perf_event_open'])
    assert.ok(!allNames.includes(denied), `strict still names ${denied}`);
});

test('toOci keeps only the native arch family from archMap', () => {
  const oci = toOci(loadProfile('default')!, dockerDefaultCaps);
  assert.deepEqual(oci.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  // includes.arches: arch_prctl is amd64-only and kept; the arm-only set is dropped.
  assert.ok(ruleFor(oci, 'arch_prctl')!.length);
  assert.equal(ruleFor(oci, 'cacheflush')!.length, 0);
});

test('CAP_SYS_ADMIN in the bounding set opens mount and unshare, as dockerd does', () => {
  const profile = loadProfile('default')!;
  const without = toOci(profile, dockerDefaultCaps);
  assert.equal(ruleFor(without, 'mount')!.length, 0);
  assert.equal(ruleFor(without, 'unshare')!.length, 0);
  // clone is allowed only without namespace flags, clone3 answers ENOSYS (excludes CAP_SYS_ADMIN)
  assert.deepEqual(ruleFor(without, 'clone')!.map((s) => s.args?.[0].op), ['SCMP_CMP_MASKED_EQ']);
  assert.deepEqual(ruleFor(without, 'clone3')!.map((s) => s.errnoRet), [38]);
  const admin = toOci(profile, [...dockerDefaultCaps, 'CAP_SYS_ADMIN']);
  assert.equal(ruleFor(admin, 'mount')![0].action, 'SCMP_ACT_ALLOW');
  assert.equal(ruleFor(admin, 'unshare')![0].action, 'SCMP_ACT_ALLOW');
  assert.ok(ruleFor(admin, 'clone')!.every((s) => !s.args));
  assert.ok(ruleFor(admin, 'clone3')!.every((s) => s.action === 'SCMP_ACT_ALLOW'));
});

test('minKernel includes follow the running kernel', () => {
  assert.equal(kernelAtLeast('4.8', '6.18.44-x'), true);
  assert.equal(kernelAtLeast('6.19', '6.18.44-x'), false);
  assert.equal(kernelAtLeast('5.0', '4.19.1'), false);
  const oci = toOci(loadProfile('default')!, dockerDefaultCaps);
  assert.equal(ruleFor(oci, 'ptrace')!.length, kernelAtLeast('4.8') ? 1 : 0);
});

test('lesson permissions open their syscalls and nothing else', () => {
  const strict = loadProfile('strict')!;
  const oci = toOci(strict, dockerDefaultCaps, { allow: ['unshare'] });
  for (const name of ['unshare', 'setns', 'clone', 'clone3']) {
    const rules = ruleFor(oci, name)!;
    assert.equal(rules.length, 1, name);
    assert.equal(rules[0].action, 'SCMP_ACT_ALLOW');
    assert.equal(rules[0].args, undefined);
  }
  assert.equal(ruleFor(oci, 'mount')!.length, 0);
  const withMount = toOci(strict, dockerDefaultCaps, { allow: ['mount'] });
  assert.ok(ruleFor(withMount, 'umount2')!.length);
  assert.throws(() => toOci(strict, dockerDefaultCaps, { allow: ['reboot'] }), (e: unknown) =>
    e instanceof UserError && /unknown permission 'reboot'/.test(e.message) && /unshare, mount/.test(e.hint ?? ''));
});

test('loadProfile: a missing file, bad JSON and bad fields get one clear line', (t) => {
  assert.throws(() => loadProfile('/nonexistent/gb.json'), (e: unknown) => e instanceof UserError && /does not exist/.test(e.message));
  assert.throws(() => loadProfile(tempFile(t, '{ "defaultAction": ')), (e: unknown) => e instanceof UserError && /is not valid JSON/.test(e.message));
  const badAction = tempFile(t, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALOW' }] }));
  assert.throws(() => loadProfile(badAction), (e: unknown) =>
    e instanceof UserError && e.message.includes('syscalls[0].action') && e.message.includes("unknown action 'SCMP_ACT_ALOW'"));
  const badOp = tempFile(t, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'EQ' }] }] }));
  assert.throws(() => loadProfile(badOp), (e: unknown) => e instanceof UserError && e.message.includes('syscalls[0].args[0].op'));
  const notify = tempFile(t, JSON.stringify({ defaultAction: 'SCMP_ACT_NOTIFY' }));
  assert.throws(() => loadProfile(notify), (e: unknown) => e instanceof UserError && /defaultAction: SCMP_ACT_NOTIFY is not supported/.test(e.message));
  const typo = tempFile(t, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', sycalls: [] }));
  assert.throws(() => loadProfile(typo), (e: unknown) => e instanceof UserError && /sycalls/.test(e.message));
});

test('validateOciSeccomp names the field of a bad linux.seccomp', () => {
  const ok = validateOciSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG'], syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  assert.equal(filterFlags(ok), 2);
  const cases: Array<[unknown, RegExp]> = [
    [{}, /defaultAction/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] }, /syscalls\[0\]\.names/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }] }] }, /syscalls\[0\]\.args\[0\]\.index/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', errnoRet: -1 }] }, /syscalls\[0\]\.errnoRet/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['x86_64'] }, /architectures\[0\]: expected an SCMP_ARCH_\* name/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_NOPE'] }, /flags\[0\]: unknown flag/],
    [{ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/x.sock' }, /listenerPath/],
  ];
  for (const [input, want] of cases)
    assert.throws(() => validateOciSeccomp(input), (e: unknown) => e instanceof UserError && e.message.startsWith('linux.seccomp: ') && want.test(e.message), JSON.stringify(input));
});
