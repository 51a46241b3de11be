// schema.ts - zod schemas for Docker seccomp profiles and the OCI config's linux.seccomp, with errors that name the field.
import { z } from 'zod';
import { UserError } from '../errors.ts';

export const actions = [
  'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP', 'SCMP_ACT_TRACE', 'SCMP_ACT_LOG',
] as const;
export const ops = [
  'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ',
] as const;
/** seccomp(2) filter flags by their OCI names; they go to the seccomp() call, not into the BPF. */
export const filterFlagBits: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 32,
};

// SCMP_ACT_NOTIFY needs a listener process (seccomp_unotify(2)); refused until the denial watcher has one.
const action = z.string().superRefine((a, ctx) => {
  if (a === 'SCMP_ACT_NOTIFY') ctx.addIssue({ code: 'custom', message: 'SCMP_ACT_NOTIFY is not supported yet' });
  else if (!(actions as readonly string[]).includes(a))
    ctx.addIssue({ code: 'custom', message: `unknown action '${a}' (expected one of ${actions.join(', ')})` });
});
const op = z.string().refine((o) => (ops as readonly string[]).includes(o), {
  error: (iss) => `unknown comparison '${String(iss.input)}' (expected one of ${ops.join(', ')})`,
});
const u64 = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const errnoRet = z.number().int().min(0).max(4095);
const arg = z.strictObject({ index: z.number().int().min(0).max(5), value: u64, valueTwo: u64.optional(), op });
const flags = z.array(z.string().refine((f) => f in filterFlagBits, {
  error: (iss) => `unknown flag '${String(iss.input)}' (expected one of ${Object.keys(filterFlagBits).join(', ')})`,
}));
const listener = {
  listenerPath: z.undefined({ error: 'a notify listener is not supported yet (nor SCMP_ACT_NOTIFY)' }).optional(),
  listenerMetadata: z.string().optional(),
};

/** linux.seccomp of an OCI runtime config.json (runtime-spec config-linux.md#seccomp). */
export const ociSeccompSchema = z.strictObject({
  defaultAction: action,
  defaultErrnoRet: errnoRet.optional(),
  architectures: z.array(z.string().regex(/^SCMP_ARCH_[A-Z0-9_]+$/, 'expected an SCMP_ARCH_* name')).optional(),
  flags: flags.optional(),
  ...listener,
  syscalls: z.array(z.strictObject({
    names: z.array(z.string().min(1)).min(1),
    action,
    errnoRet: errnoRet.optional(),
    args: z.array(arg).max(6).optional(),
  })).optional(),
});

// Docker's extensions (moby profiles/seccomp types.go): archMap, name, comment, includes/excludes.
const filter = z.strictObject({
  caps: z.array(z.string().regex(/^CAP_[A-Z_]+$/, 'expected a CAP_* name')).optional(),
  arches: z.array(z.string()).optional(),
  minKernel: z.string().regex(/^\d+\.\d+$/, 'expected a kernel version like "4.8"').optional(),
});

export const dockerProfileSchema = z.strictObject({
  comment: z.string().optional(),
  defaultAction: action,
  defaultErrnoRet: errnoRet.optional(),
  architectures: z.array(z.string()).optional(),
  archMap: z.array(z.strictObject({
    architecture: z.string(),
    subArchitectures: z.array(z.string()).nullable().optional(),
  })).nullable().optional(),
  flags: flags.optional(),
  ...listener,
  syscalls: z.array(z.strictObject({
    name: z.string().optional(),
    names: z.array(z.string()).optional(),
    comment: z.string().optional(),
    action,
    errnoRet: errnoRet.optional(),
    args: z.array(arg).max(6).nullable().optional(),
    includes: filter.optional(),
    excludes: filter.optional(),
  }).refine((s) => !(s.name && s.names?.length), 'use either name or names, not both')
    .refine((s) => s.name || s.names?.length, 'names must list at least one syscall'))
    .nullable().optional(),
}).refine((p) => !(p.architectures?.length && p.archMap?.length), 'use either architectures or archMap, not both');

export type OciSeccomp = z.infer<typeof ociSeccompSchema>;
export type DockerProfile = z.infer<typeof dockerProfileSchema>;

/** `syscalls[3].args[0].op` from a zod path. */
function fieldName(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(top level)';
}

/** Parse with a schema; a failure is one line naming `what` and the field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, x: unknown, what: string): T {
  const result = schema.safeParse(x);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
  throw new UserError(`${what}: ${fieldName(issue.path)}: ${issue.message}${more}`);
}

/** Validate a user's config.json linux.seccomp. */
export function validateOciSeccomp(x: unknown): OciSeccomp {
  return parseOrThrow(ociSeccompSchema, x, 'linux.seccomp');
}

/** The flags argument for seccomp(SECCOMP_SET_MODE_FILTER, flags, prog) when the spawner loads the filter. */
export function filterFlags(p: OciSeccomp): number {
  return (p.flags ?? []).reduce((bits, f) => bits | (filterFlagBits[f] ?? 0), 0);
}
