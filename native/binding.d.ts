// binding.d.ts - the raw types of the compiled addon (native/build/Release/glassbox.node); only native/index.ts loads it.

export interface MountOp {
  kind: 'mount' | 'bind' | 'mask' | 'readonly' | 'symlink' | 'mkdir';
  source?: string;
  target: string; // relative to the new root, no leading slash
  fstype?: string;
  flags?: number;
  propagation?: number;
  data?: string;
  mkdir?: 0 | 1 | 2; // none, directory, file
}

export interface SpawnPlan {
  name: string;
  cloneFlags: number;
  unshareCgroup?: boolean;
  unshareTime?: boolean;
  timeMonotonicSecs?: number;
  timeBoottimeSecs?: number;
  uidMap?: string;
  gidMap?: string;
  cgroupFd?: number;
  cgroupProcs?: string[];
  /** From gateFd(): the spawn waits, after the clone, until 1 is written to it (2: give up). */
  gateFd?: number;
  rootfsKind: 'overlay' | 'bind';
  rootDir: string;
  lower?: string[]; // top first
  upper?: string;
  work?: string;
  staging?: string;
  bindSource?: string;
  idmap?: boolean;
  rootReadonly?: boolean;
  ops: MountOp[];
  hostname?: string;
  domainname?: string;
  loopbackUp?: boolean;
  rlimits?: Array<{ resource: number; soft: bigint | number; hard: bigint | number }>;
  oomScoreAdj?: number;
  capLast: number;
  capEffective: bigint;
  capPermitted: bigint;
  capInheritable: bigint;
  capBounding: bigint;
  capAmbient: bigint;
  uid: number;
  gid: number;
  groups?: number[];
  noNewPrivileges: boolean;
  seccompBpf?: Buffer;
  cwd: string;
  stdio: [number, number, number];
  initFd: number;
  argv: string[];
  env: string[];
  waitStart?: boolean;
  timeoutMs?: number;
}

export interface SpawnResult { pid: number; pidfd: number; syncFd: number }

export interface RawNativeError extends Error { native: true; stage: string; syscall: string; path: string; errno: number; code: string }

export interface Binding {
  spawn(plan: SpawnPlan): Promise<SpawnResult>;
  start(syncFd: number, pidfd: number, timeoutMs?: number): Promise<void>;
  /** A created container that will never start: close its socket, kill it, free its plan (it shared our memory). */
  abandon(syncFd: number, pidfd: number): void;
  watchExit(pidfd: number, cb: (code: number, signal: number) => void): void;
  pidfdOpen(pid: number): number;
  pidfdSendSignal(pidfd: number, signal: number): void;
  /** /proc/<pid>/ns/* inodes; time is null on kernels without time namespaces. */
  nsInodes(pid: number): Record<'user' | 'pid' | 'mnt' | 'uts' | 'ipc' | 'net' | 'cgroup' | 'time', number | null>;
  sealedExecutable(path: string): number;
  openInRoot(root: string, rel: string, flags?: number): number;
  openpty(): { master: number; slave: number; path: string };
  setWinsize(fd: number, cols: number, rows: number): void;
  mountTmpfs(dir: string, data: string): void;
  /** An eventfd for SpawnPlan.gateFd (close-on-exec); the caller closes it. */
  gateFd(): number;
  umount(path: string, flags?: number): void; // MNT_DETACH = 2
  probeIdmap(dir: string): { supported: boolean; error?: RawNativeError };
  compileSeccomp(profile: unknown): Buffer;
  testSeccompFilter(bpf: Buffer, syscall: string): { ret: number | null; errno: number; signal: number };
  // ---- live views (server/watchers/) ----
  /** Listen on the audit multicast group (AUDIT_NLGRP_READLOG); cb gets the text of AUDIT_SECCOMP records. One per process. */
  auditStart(cb: (records: string[], lost: boolean) => void): void;
  auditStop(): void;
  /** libseccomp's name for a syscall number; auditArch as audit records print it (0 = this machine's). */
  syscallName(nr: number, auditArch?: number): string | null;
  /** lgetxattr(2): never follows a symlink; null when the attribute is absent. */
  lgetxattr(path: string, name: string): Buffer | null;
  /** The host name in pid's uts namespace (uname(2) on a thread that joined it). */
  utsHostname(pid: number): string;
}
