// parse.ts - parseConfig: validate a config.json against the supported subset and turn zod's issues into one clear line.

import type { z } from 'zod';
import { UserError } from '../errors.ts';
import { ociConfigSchema, type OciConfig } from './schema.ts';

/** Fields of the OCI runtime spec that glassbox knows and refuses, with why (dotted paths, * = any array index). */
const UNSUPPORTED: Record<string, string> = {
  hooks: 'hooks run commands on the host as root, and the host is shared by a room of learners',
  solaris: 'glassbox runs Linux containers only',
  windows: 'glassbox runs Linux containers only',
  vm: 'glassbox runs containers, not virtual machines',
  zos: 'glassbox runs Linux containers only',
  freebsd: 'glassbox runs Linux containers only',
  'process.apparmorProfile': 'glassbox confines containers with namespaces, capabilities and seccomp, not LSM profiles',
  'process.selinuxLabel': 'glassbox confines containers with namespaces, capabilities and seccomp, not LSM labels',
  'process.consoleSize': 'the terminal size follows the browser window',
  'process.commandLine': 'that is the Windows form of args',
  'process.ioPriority': 'I/O priorities are not part of the lab',
  'process.scheduler': 'scheduling policies are not part of the lab',
  'process.execCPUAffinity': 'CPU affinity is not part of the lab',
  'process.user.username': 'give numeric uid and gid',
  'mounts.*.uidMappings': 'id-mapped mounts are not supported',
  'mounts.*.gidMappings': 'id-mapped mounts are not supported',
  'linux.devices': 'glassbox builds /dev itself with the usual null, zero, full, random, urandom and tty',
  'linux.mountLabel': 'SELinux labels are not supported',
  'linux.intelRdt': 'Intel RDT is not supported',
  'linux.personality': 'execution domains are not supported',
  'linux.netDevices': 'moving host network devices into a container is not supported',
  'linux.memoryPolicy': 'NUMA memory policies are not supported',
  'linux.resources.blockIO': 'block I/O limits are not supported (the lab has no block devices)',
  'linux.resources.hugepageLimits': 'huge page limits are not supported',
  'linux.resources.network': 'the net_cls/net_prio controllers are not supported',
  'linux.resources.rdma': 'the rdma controller is not supported',
  'linux.resources.unified': 'raw cgroup v2 files are not supported; use memory, pids and cpu',
  'linux.resources.memory.kernel': 'kernel memory limits are deprecated in the kernel',
  'linux.resources.memory.kernelTCP': 'kernel memory limits are deprecated in the kernel',
  'linux.resources.memory.swappiness': 'swappiness is not supported',
  'linux.resources.memory.disableOOMKiller': 'the OOM killer is part of the memory lesson',
  'linux.resources.memory.useHierarchy': 'hierarchy is always on',
  'linux.resources.memory.checkBeforeUpdate': 'glassbox does not update a running container',
  'linux.resources.cpu.cpus': 'cpusets are not supported; use quota and period',
  'linux.resources.cpu.mems': 'cpusets are not supported',
  'linux.resources.cpu.realtimePeriod': 'real-time scheduling is not supported',
  'linux.resources.cpu.realtimeRuntime': 'real-time scheduling is not supported',
  'linux.resources.cpu.idle': 'SCHED_IDLE groups are not supported',
  'linux.resources.cpu.burst': 'CPU burst is not supported',
};

type Segment = PropertyKey;

/** ['linux','namespaces',2,'type'] → "linux.namespaces[2].type"; keys with dots (sysctls) in brackets. */
export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(seg))) out += (out ? '.' : '') + String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let here = root;
  for (const seg of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<PropertyKey, unknown>)[seg];
  }
  return here;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

const article: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false',
  array: 'an array', object: 'an object', record: 'an object',
};

/** One line per zod issue, each starting with the field's path. */
function explain(issue: z.core.$ZodIssue, input: unknown): { line: string; hint?: string }[] {
  const path = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const full = formatPath([...issue.path, key]);
        const pattern = full.replace(/\[\d+\]/g, '.*');
        const why = UNSUPPORTED[pattern];
        return why
          ? { line: `${full} is not supported by glassbox`, hint: why }
          : { line: `${full} is not a field glassbox knows`, hint: 'check the spelling; the supported fields are listed in server/engine/config/SUPPORTED.md' };
      });
    case 'invalid_type':
      if (value === undefined) return [{ line: `${path} is required` }];
      return [{ line: `${path}: expected ${article[issue.expected] ?? issue.expected}, got ${describe(value)}` }];
    case 'invalid_value':
      return [{ line: `${path}: ${describe(value)} is not one of ${issue.values.map(String).join(', ')}` }];
    case 'too_small':
      if (issue.origin === 'number') return [{ line: `${path}: ${String(value)} is below the minimum ${issue.minimum}` }];
      if (issue.origin === 'string') return [{ line: `${path} must not be empty` }];
      return [{ line: `${path}: ${issue.message}` }];
    case 'too_big':
      if (issue.origin === 'number') return [{ line: `${path}: ${String(value)} is above the maximum ${issue.maximum}` }];
      if (issue.origin === 'string') return [{ line: `${path} is longer than ${issue.maximum} characters` }];
      return [{ line: `${path}: ${issue.message}` }];
    default:
      return [{ line: `${path}: ${issue.message}` }];
  }
}

type Problem = { line: string; hint?: string };

function check(json: unknown): { config?: OciConfig; problems: Problem[] } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { problems: [{ line: `expected a JSON object, got ${describe(json)}` }] };
  }
  const result = ociConfigSchema.safeParse(json);
  if (result.success) return { config: result.data, problems: [] };
  // An unsupported or misspelt field explains the rest best, so it comes first.
  const issues = [...result.error.issues].sort((a, b) =>
    Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  return { problems: issues.flatMap((issue) => explain(issue, json)) };
}

/** Every problem with a config, each a line such as `linux.namespaces[2].type: "foo" is not one of ...` (for an editor). */
export function configProblems(json: unknown): Problem[] {
  return check(json).problems;
}

/** Validate a parsed config.json; throws a UserError naming the first bad field (source names the file in the message). */
export function parseConfig(json: unknown, source = 'config.json'): OciConfig {
  const { config, problems } = check(json);
  if (config) return config;
  const [first, ...rest] = problems;
  const more = rest.length ? `${rest.length} more: ${rest.map((p) => p.line).join('; ')}` : '';
  const hint = [first.hint, more].filter(Boolean).join('. ') || undefined;
  throw new UserError(`${source}: ${first.line}`, hint);
}
