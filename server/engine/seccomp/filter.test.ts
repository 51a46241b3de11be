// filter.test.ts - compiled filters loaded into a real child process: which syscalls come back EPERM.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import native from '../../../native/index.ts';
import { NativeError } from '../errors.ts';
import { compile, loadProfile, toOci, validateOciSeccomp } from './index.ts';

const { EPERM, EINVAL, EFAULT, ENOSYS, EOPNOTSUPP } = os.constants.errno;
const dockerDefaultCaps = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

type ProbeResult = { ret: number | null; errno: number; signal: number }; // ret null: killed by the filter
const probe = (bpf: Buffer, syscall: string) => native.testSeccompFilter(bpf, syscall) as unknown as ProbeResult;

/** Run one probe syscall under the filter; returns its errno (0 = it succeeded). */
function errnoUnder(bpf: Buffer, syscall: string): number {
  const r = probe(bpf, syscall);
  assert.equal(r.signal, 0, `${syscall} was killed by signal ${r.signal}`);
  return r.errno;
}

test('Docker default profile: reboot, keyctl, bpf get EPERM; getpid and mkdir run', () => {
  const bpf = compile(toOci(loadProfile('default')!, dockerDefaultCaps));
  assert.ok(bpf.length > 0 && bpf.length % 8 === 0, 'a whole number of sock_filter instructions');
  for (const denied of ['reboot', 'keyctl', 'bpf', 'mount', 'unshare', 'clone_newuts', 'socket_vsock'])
    assert.equal(errnoUnder(bpf, denied), EPERM, denied);
  for (const allowed of ['getpid', 'mkdir', 'clone', 'personality']) assert.equal(errnoUnder(bpf, allowed), 0, allowed);
  assert.equal(errnoUnder(bpf, 'clone3'), ENOSYS, 'clone3 answers ENOSYS so libc falls back to clone');
});

test('without a filter the same probes reach the kernel (so EPERM above came from the filter)', () => {
  const bpf = compile({ defaultAction: 'SCMP_ACT_ALLOW' });
  assert.equal(errnoUnder(bpf, 'reboot'), EINVAL);
  assert.equal(errnoUnder(bpf, 'keyctl'), EOPNOTSUPP);
  assert.equal(errnoUnder(bpf, 'bpf'), EINVAL);
  assert.equal(errnoUnder(bpf, 'mount'), EFAULT);
  assert.equal(errnoUnder(bpf, 'unshare'), 0);
});

test('CAP_SYS_ADMIN in the bounding set lets mount and unshare through the default profile', () => {
  const profile = loadProfile('default')!;
  const admin = compile(toOci(profile, [...dockerDefaultCaps, 'CAP_SYS_ADMIN']));
  assert.equal(errnoUnder(admin, 'mount'), EFAULT, 'mount reached the kernel');
  assert.equal(errnoUnder(admin, 'unshare'), 0);
  assert.equal(errnoUnder(admin, 'clone_newuts'), 0);
  const plain = compile(toOci(profile, dockerDefaultCaps));
  assert.equal(errnoUnder(plain, 'mount'), EPERM);
  assert.equal(errnoUnder(plain, 'unshare'), EPERM);
});

test('strict profile denies namespaces even with CAP_SYS_ADMIN; allow: [unshare] re-opens them', () => {
  const strict = loadProfile('strict')!;
  const admin = compile(toOci(strict, [...dockerDefaultCaps, 'CAP_SYS_ADMIN']));
  for (const denied of ['unshare', 'setns', 'clone_newuts', 'mount', 'personality', 'userfaultfd', 'perf_event_open', 'ptrace', 'kcmp', 'process_vm_readv'])
    assert.equal(errnoUnder(admin, denied), EPERM, denied);
  assert.equal(errnoUnder(admin, 'clone'), 0, 'plain clone (fork) still works');
  const lesson = compile(toOci(strict, dockerDefaultCaps, { allow: ['unshare'] }));
  assert.equal(errnoUnder(lesson, 'unshare_newuts'), 0);
  assert.equal(errnoUnder(lesson, 'clone_newuts'), 0);
  assert.equal(errnoUnder(lesson, 'mount'), EPERM);
  const mount = compile(toOci(strict, dockerDefaultCaps, { allow: ['mount'] }));
  assert.equal(errnoUnder(mount, 'mount'), EFAULT);
});

test('a custom profile that denies mkdir makes mkdir fail with EPERM; errnoRet and KILL are honoured', () => {
  const deny = compile(validateOciSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
  assert.equal(errnoUnder(deny, 'mkdir'), EPERM);
  assert.equal(errnoUnder(deny, 'getpid'), 0);
  const enosys = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS }] });
  assert.equal(errnoUnder(enosys, 'mkdir'), ENOSYS);
  const kill = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_KILL_PROCESS' }] });
  assert.equal(probe(kill, 'mkdir').signal, os.constants.signals.SIGSYS);
});

test('argument conditions: same-index conditions are ORed, as runc does', () => {
  // unshare(0) is allowed only if arg0 == 0; with two conditions on arg0, either one allows it.
  const and = compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [
    { names: ['getpid', 'write', 'exit_group', 'exit'], action: 'SCMP_ACT_ALLOW' },
    { names: ['unshare'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] },
  ] });
  assert.equal(errnoUnder(and, 'unshare'), 0);
  assert.equal(errnoUnder(and, 'unshare_newuts'), EPERM);
  const or = compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [
    { names: ['getpid', 'write', 'exit_group', 'exit'], action: 'SCMP_ACT_ALLOW' },
    { names: ['unshare'], action: 'SCMP_ACT_ALLOW', args: [
      { index: 0, value: 0, op: 'SCMP_CMP_EQ' }, { index: 0, value: 0x04000000 /* CLONE_NEWUTS */, op: 'SCMP_CMP_EQ' }] },
  ] });
  assert.equal(errnoUnder(or, 'unshare_newuts'), 0);
});

test('unknown syscall names are skipped; an unknown architecture is a NativeError naming it', () => {
  const bpf = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['no_such_syscall', 'mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  assert.equal(errnoUnder(bpf, 'mkdir'), EPERM);
  assert.throws(() => compile({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_PDP11'] }), (e: unknown) =>
    e instanceof NativeError && e.stage === 'seccomp' && e.path === 'SCMP_ARCH_PDP11' && e.code === 'EINVAL');
  assert.throws(() => compile({ defaultAction: 'SCMP_ACT_NOTIFY' }), /SCMP_ACT_NOTIFY is not supported/);
});
