// types.ts - the one cgroup driver interface that the v1 and v2 drivers implement (youki's trait, crun's table).

/** Limits for one container. Names follow cgroup v2; the v1 driver maps them to the v1 files. */
export interface CgroupLimits {
  /** memory.max (v1: memory.limit_in_bytes), bytes. */
  memoryMax?: number;
  /** memory.high (v1: memory.soft_limit_in_bytes, the nearest v1 has), bytes. */
  memoryHigh?: number;
  /** memory.low, memory kept from reclaim (v1: memory.soft_limit_in_bytes, as runc and crun map OCI's reservation),
   *  bytes. On v1 it and memoryHigh share the one soft limit: memoryLow wins. */
  memoryLow?: number;
  /** pids.max */
  pidsMax?: number;
  /** cpu.max quota (v1: cpu.cfs_quota_us), microseconds per period. */
  cpuQuotaUs?: number;
  /** cpu.max period (v1: cpu.cfs_period_us); default 100000. */
  cpuPeriodUs?: number;
  /** cpu.weight 1..10000 (v1: cpu.shares = weight * 1024 / 100, systemd's mapping). */
  cpuWeight?: number;
}

export interface CgroupStats {
  version: 1 | 2;
  memoryCurrent: number;
  /** null = unlimited */
  memoryMax: number | null;
  memoryEvents: { oom: number; oomKill: number; max?: number; high?: number };
  pidsCurrent: number;
  pidsMax: number | null;
  cpuUsageUsec: number;
  nrPeriods: number;
  nrThrottled: number;
  throttledUsec: number;
  /** Real file names read (relative to the cgroup dir; v1: "<controller>/<file>") → raw trimmed value. */
  files: Record<string, string>;
}

export interface ContainerCgroup {
  readonly id: string;
  readonly version: 1 | 2;
  /** v2: one dir; v1: one per controller used (deduplicated when controllers are co-mounted). */
  readonly dirs: string[];
  /** Files a pid is written to, to join (v1: each controller's cgroup.procs; v2: the leaf's). */
  readonly procsFiles: string[];
  /** v2 only: O_RDONLY|O_DIRECTORY fd of the leaf, for clone3 CLONE_INTO_CGROUP (caller closes). Throws on v1. */
  openDirFd(): number;
  /** Every process in it (all v1 controllers merged, nested cgroups included). */
  pids(): number[];
  stats(): CgroupStats;
  /** Kills every process; resolves when empty (bounded wait, then throws). */
  killAll(): Promise<void>;
  /** killAll, then rmdir every dir; idempotent. */
  dispose(): Promise<void>;
}

export interface CgroupDriver {
  readonly version: 1 | 2;
  readonly root: string;
  create(id: string, limits: CgroupLimits): ContainerCgroup;
  /** Where create(id) puts the cgroup (dirs and procsFiles as on the ContainerCgroup), without making it. */
  paths(id: string): { dirs: string[]; procsFiles: string[] };
  /** An existing one, for reconcile; null if there is none. */
  adopt(id: string): ContainerCgroup | null;
  /** Ids of existing glassbox cgroups under the parent. */
  list(): string[];
}

export interface CgroupProbe {
  version: 1 | 2 | null;
  mode: 'unified' | 'hybrid' | 'legacy' | 'none';
  mountPoint: string;
  controllers: string[];
  missing: string[];
  notes: string[];
}
