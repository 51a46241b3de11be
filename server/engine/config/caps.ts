// caps.ts - Linux capability names and numbers (linux/capability.h), Docker's default set, and bit masks for capset.

import { UserError } from '../errors.ts';

/** Every capability the kernel knows, in number order: ALL_CAPS[n] is capability number n. */
export const ALL_CAPS: string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/**
 * Docker's default capability set minus CAP_NET_RAW (ping-style raw sockets, a spoofing risk on a
 * shared VM), CAP_MKNOD and CAP_SETFCAP (no device nodes, no file capabilities in learner images).
 */
export const DOCKER_DEFAULT_CAPS: string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

const numberByName = new Map(ALL_CAPS.map((name, n) => [name, n]));

export function isCapName(name: string): boolean {
  return numberByName.has(name);
}

/** The kernel's number for a capability ("CAP_SYS_ADMIN" → 21). */
export function capNumber(name: string): number {
  const n = numberByName.get(name);
  if (n === undefined) throw new UserError(`"${name}" is not a capability`, capSpellingHint);
  return n;
}

/** A 64-bit mask with one bit per capability, as capset(2) and /proc/<pid>/status (CapEff) show them. */
export function capMask(names: string[]): bigint {
  let mask = 0n;
  for (const name of names) mask |= 1n << BigInt(capNumber(name));
  return mask;
}

export const capSpellingHint =
  'spell capabilities as in capabilities(7): CAP_NET_ADMIN (or NET_ADMIN on the command line); ' +
  'the known ones are ' + ALL_CAPS.map((c) => c.slice(4)).join(', ');

/** A capability as a user typed it on the command line (net_admin, NET_ADMIN, CAP_NET_ADMIN) → CAP_NET_ADMIN. */
export function normalizeCapName(typed: string): string {
  const upper = typed.trim().toUpperCase();
  const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!numberByName.has(name)) throw new UserError(`unknown capability "${typed}"`, capSpellingHint);
  return name;
}
