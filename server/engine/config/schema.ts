// schema.ts - the zod schema of the OCI runtime config subset glassbox runs (see SUPPORTED.md); strict at every level.

import { z } from 'zod';
import { isCapName } from './caps.ts';
import { checkMountOption } from './mounts.ts';
import { crossCheck } from './checks.ts';

export const NAMESPACE_TYPES = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time'] as const;
export const PROPAGATIONS = ['private', 'shared', 'slave', 'unbindable', 'rprivate', 'rshared', 'rslave', 'runbindable'] as const;
export const MOUNT_TYPES = ['proc', 'tmpfs', 'devpts', 'mqueue', 'sysfs', 'cgroup', 'cgroup2', 'bind', 'none'] as const;
/** getrlimit(2)'s resources. */
export const RLIMIT_TYPES = [
  'RLIMIT_AS', 'RLIMIT_CORE', 'RLIMIT_CPU', 'RLIMIT_DATA', 'RLIMIT_FSIZE', 'RLIMIT_LOCKS', 'RLIMIT_MEMLOCK',
  'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_NOFILE', 'RLIMIT_NPROC', 'RLIMIT_RSS', 'RLIMIT_RTPRIO',
  'RLIMIT_RTTIME', 'RLIMIT_SIGPENDING', 'RLIMIT_STACK',
] as const;

const uint32 = z.number().int().min(0).max(2 ** 32 - 1);
/** int64 fields where -1 means "no limit", as runc reads them. */
const limit = z.number().int().min(-1);
/** rlimits are uint64: RLIM_INFINITY (2^64-1) does not survive JSON → double exactly, so any integer ≥ 2^63 means unlimited. */
const uint64 = z.number().min(0).refine(Number.isInteger, { error: 'must be a whole number' });
const absolutePath = z.string().refine((p) => p.startsWith('/'), {
  error: (issue) => `${JSON.stringify(issue.input)} is not an absolute path (start it with /)`,
});

const capName = z.string().refine(isCapName, {
  error: (issue) => `"${String(issue.input)}" is not a capability (names look like CAP_NET_ADMIN; see capabilities(7))`,
});
const capSet = z.array(capName);

const processSchema = z.strictObject({
  terminal: z.boolean().optional(),
  user: z.strictObject({
    uid: uint32,
    gid: uint32,
    additionalGids: z.array(uint32).optional(),
    umask: z.number().int().min(0).max(0o777).optional(),
  }),
  args: z.array(z.string()).min(1, { error: 'must name a program to run (it is empty)' }),
  env: z.array(z.string().refine((e) => /^[^=]+=/.test(e), { error: 'must look like NAME=value' })).optional(),
  cwd: absolutePath,
  capabilities: z.strictObject({
    bounding: capSet.optional(),
    effective: capSet.optional(),
    inheritable: capSet.optional(),
    permitted: capSet.optional(),
    ambient: capSet.optional(),
  }).optional(),
  rlimits: z.array(z.strictObject({ type: z.enum(RLIMIT_TYPES), hard: uint64, soft: uint64 })
    .refine((r) => r.soft <= r.hard, { error: 'soft must not be above hard', path: ['soft'] })).optional(),
  noNewPrivileges: z.boolean().optional(),
  oomScoreAdj: z.number().int().min(-1000).max(1000).optional(),
});

const mountSchema = z.strictObject({
  destination: absolutePath,
  type: z.enum(MOUNT_TYPES).optional(),
  source: z.string().optional(),
  options: z.array(z.string().superRefine((option, ctx) => {
    const problem = checkMountOption(option);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })).optional(),
});

const idMapping = z.strictObject({ containerID: uint32, hostID: uint32, size: uint32.min(1) });

/** Only the shape of a device cgroup list is checked: glassbox builds /dev itself and does not program the devices controller. */
const deviceRule = z.strictObject({
  allow: z.boolean(),
  type: z.enum(['a', 'b', 'c']).optional(),
  major: z.number().int().min(-1).optional(),
  minor: z.number().int().min(-1).optional(),
  access: z.string().regex(/^[rwm]{1,3}$/).optional(),
});

const resourcesSchema = z.strictObject({
  memory: z.strictObject({ limit: limit.optional(), reservation: limit.optional(), swap: limit.optional() }).optional(),
  pids: z.strictObject({ limit }).optional(),
  cpu: z.strictObject({
    quota: z.number().int().refine((q) => q === -1 || q >= 1000, { error: 'must be -1 (no limit) or at least 1000 µs' }).optional(),
    period: z.number().int().min(1000).max(1_000_000).optional(),
    shares: z.number().int().min(2).max(262_144).optional(),
  }).optional(),
  devices: z.array(deviceRule).optional(),
});

const timeOffset = z.strictObject({ secs: z.number().int(), nanosecs: z.number().int().min(0).max(999_999_999) });

const linuxSchema = z.strictObject({
  namespaces: z.array(z.strictObject({ type: z.enum(NAMESPACE_TYPES), path: absolutePath.optional() })).optional(),
  uidMappings: z.array(idMapping).optional(),
  gidMappings: z.array(idMapping).optional(),
  resources: resourcesSchema.optional(),
  cgroupsPath: z.string().optional(),
  sysctl: z.record(z.string(), z.string()).optional(),
  // Validated by the seccomp module, which knows the profile format; here it only passes through.
  seccomp: z.unknown().optional(),
  maskedPaths: z.array(absolutePath).optional(),
  readonlyPaths: z.array(absolutePath).optional(),
  rootfsPropagation: z.enum(PROPAGATIONS).optional(),
  timeOffsets: z.strictObject({ monotonic: timeOffset.optional(), boottime: timeOffset.optional() }).optional(),
});

/** The shape alone; cross-field rules (checks.ts) are added below. */
export const ociConfigShape = z.strictObject({
  ociVersion: z.string().regex(/^1\.[0-2]\.\d+(-[0-9A-Za-z.+-]+)?$/, { error: 'glassbox reads OCI runtime spec versions 1.0.x to 1.2.x' }),
  process: processSchema,
  root: z.strictObject({ path: z.string().min(1), readonly: z.boolean().optional() }),
  hostname: z.string().max(64).optional(),
  domainname: z.string().max(64).optional(),
  mounts: z.array(mountSchema).optional(),
  linux: linuxSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const ociConfigSchema = ociConfigShape.superRefine(crossCheck);

export type OciConfig = z.infer<typeof ociConfigSchema>;
