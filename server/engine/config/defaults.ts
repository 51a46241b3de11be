// defaults.ts - the secure default container: like `runc spec --rootless`, but with a user namespace the engine maps, and limits.

import type { OciConfig } from './schema.ts';
import { DOCKER_DEFAULT_CAPS } from './caps.ts';

/** Paths Docker and runc hide under an empty file or tmpfs: they leak host information or poke at hardware. */
export const MASKED_PATHS: string[] = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];

/** Paths Docker and runc remount read-only: writing there changes the host kernel, not the container. */
export const READONLY_PATHS: string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const MIB = 1024 * 1024;

/** Merge NAME=value lists: a later entry replaces an earlier one of the same NAME, in its place. */
export function mergeEnv(base: string[], over: string[]): string[] {
  const out = [...base];
  for (const entry of over) {
    const name = entry.split('=', 1)[0];
    const at = out.findIndex((e) => e.split('=', 1)[0] === name);
    if (at >= 0) out[at] = entry;
    else out.push(entry);
  }
  return out;
}

export function secureDefaults(opts: {
  args: string[];
  env?: string[];
  cwd?: string;
  hostname?: string;
  user?: { uid: number; gid: number };
}): OciConfig {
  const user = opts.user ?? { uid: 0, gid: 0 };
  const home = user.uid === 0 ? '/root' : '/';
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: user.uid, gid: user.gid },
      args: [...opts.args],
      env: mergeEnv([DEFAULT_PATH, 'TERM=xterm', `HOME=${home}`], opts.env ?? []),
      cwd: opts.cwd ?? '/',
      capabilities: {
        bounding: [...DOCKER_DEFAULT_CAPS],
        effective: [...DOCKER_DEFAULT_CAPS],
        permitted: [...DOCKER_DEFAULT_CAPS],
        inheritable: [],
        ambient: [],
      },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: false },
    hostname: opts.hostname ?? 'glassbox',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      // No gid=5 (tty): inside a user namespace that gid exists only if the engine maps it.
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      // The user namespace's uidMappings/gidMappings stay empty: the engine allocates a host range per container.
      namespaces: (['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup', 'user'] as const).map((type) => ({ type })),
      uidMappings: [],
      gidMappings: [],
      resources: {
        memory: { limit: 256 * MIB },
        pids: { limit: 128 },
        cpu: { quota: 100_000, period: 100_000 },
      },
      maskedPaths: [...MASKED_PATHS],
      readonlyPaths: [...READONLY_PATHS],
    },
    annotations: {},
  };
}
