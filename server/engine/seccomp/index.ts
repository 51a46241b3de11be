// seccomp/index.ts - seccomp profiles: load a Docker profile, resolve it for one container (caps, arch, kernel), compile to BPF.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import native, { toNativeError } from '../../../native/index.ts';
import { UserError } from '../errors.ts';
import { dockerProfileSchema, parseOrThrow, type DockerProfile, type OciSeccomp } from './schema.ts';

export { validateOciSeccomp, filterFlags, type DockerProfile, type OciSeccomp } from './schema.ts';

const profilesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profiles');
const builtIn = ['default', 'strict'];

/** 'default' (Docker's), 'strict', 'unconfined' (null: no filter) or the path of a Docker profile JSON file. */
export function loadProfile(spec: 'default' | 'strict' | 'unconfined' | string): DockerProfile | null {
  if (spec === 'unconfined') return null;
  const file = builtIn.includes(spec) ? path.join(profilesDir, `${spec}.json`) : path.resolve(spec);
  const what = builtIn.includes(spec) ? `seccomp profile '${spec}'` : `seccomp profile ${file}`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${what} does not exist`, `use default, strict, unconfined or the path of a JSON file`);
    throw new UserError(`${what} cannot be read: ${code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  return parseOrThrow(dockerProfileSchema, json, what);
}

// Docker's arch words: includes/excludes.arches use Go's GOARCH ("amd64"), archMap uses libseccomp's ("SCMP_ARCH_X86_64").
const nativeArch: Record<string, { goArch: string; scmpArch: string }> = {
  x64: { goArch: 'amd64', scmpArch: 'SCMP_ARCH_X86_64' },
  arm64: { goArch: 'arm64', scmpArch: 'SCMP_ARCH_AARCH64' },
};

/** Is the running kernel at least `minKernel` ("4.8")? Compares major.minor, as moby's kernelGreaterEqualThan does. */
export function kernelAtLeast(minKernel: string, release = os.release()): boolean {
  const [wantMajor, wantMinor] = minKernel.split('.').map(Number);
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/**
 * Named lesson permissions (lesson frontmatter `allow:`). Each names the syscalls it allows unconditionally,
 * replacing whatever the profile says about them, so they work over the strict profile too.
 */
export const permissions: Record<string, { syscalls: string[]; caps?: string[]; why: string }> = {
  // As if the container had CAP_SYS_ADMIN for these syscalls only: Docker's default then allows all four.
  // CAP_SETFCAP: since Linux 5.12 mapping root in a new user ns (unshare -r) needs it in the parent ns
  // (kernel/user_namespace.c verify_root_map); it only matters inside the container's own user namespace.
  unshare: { syscalls: ['unshare', 'setns', 'clone', 'clone3'], caps: ['CAP_SETFCAP'], why: 'create and join namespaces' },
  mount: { syscalls: ['mount', 'umount', 'umount2'], why: 'mount and unmount filesystems' },
  // sethostname(2) checks CAP_SYS_ADMIN in the user ns owning the uts ns; the seccomp profile is still resolved from
  // the container's caps *without* it (container.ts), so mount, unshare, setns... stay denied.
  hostname: { syscalls: ['sethostname', 'setdomainname'], caps: ['CAP_SYS_ADMIN'], why: "set the container's own hostname" },
};

type Syscall = NonNullable<DockerProfile['syscalls']>[number];

/** Does one profile entry apply to this container? moby's setupSeccomp: excludes first, then includes. */
function applies(call: Syscall, caps: Set<string>, goArch: string): boolean {
  const ex = call.excludes;
  if (ex) {
    if (ex.arches?.includes(goArch)) return false;
    if (ex.caps?.some((c) => caps.has(c))) return false;
    if (ex.minKernel && kernelAtLeast(ex.minKernel)) return false;
  }
  const inc = call.includes;
  if (inc) {
    if (inc.arches?.length && !inc.arches.includes(goArch)) return false;
    if (inc.caps?.some((c) => !caps.has(c))) return false;
    if (inc.minKernel && !kernelAtLeast(inc.minKernel)) return false;
  }
  return true;
}

/**
 * Resolve a Docker profile into the OCI linux.seccomp for one container, as dockerd does:
 * archMap picks the native arch and its sub-arches, includes/excludes are decided by the
 * container's bounding caps, the host arch and the running kernel.
 */
export function toOci(profile: DockerProfile, caps: string[], opts: { allow?: string[] } = {}): OciSeccomp {
  const arch = nativeArch[process.arch];
  if (!arch) throw new UserError(`seccomp profiles are not supported on ${process.arch}`);
  const granted = (opts.allow ?? []).map((name) => {
    const p = permissions[name];
    if (!p) throw new UserError(`unknown permission '${name}'`, `known permissions: ${Object.keys(permissions).join(', ')}`);
    return p;
  });
  const capSet = new Set(caps);
  const architectures = profile.archMap?.length
    ? profile.archMap.filter((a) => a.architecture === arch.scmpArch).flatMap((a) => [a.architecture, ...(a.subArchitectures ?? [])])
    : profile.architectures;
  const opened = new Set(granted.flatMap((p) => p.syscalls));
  const syscalls: NonNullable<OciSeccomp['syscalls']> = [];
  for (const call of profile.syscalls ?? []) {
    if (!applies(call, capSet, arch.goArch)) continue;
    const names = (call.names?.length ? call.names : [call.name!]).filter((n) => !opened.has(n));
    if (names.length === 0) continue;
    syscalls.push({
      names,
      action: call.action,
      ...(call.errnoRet !== undefined ? { errnoRet: call.errnoRet } : {}),
      ...(call.args?.length ? { args: call.args } : {}),
    });
  }
  if (opened.size) syscalls.push({ names: [...opened], action: 'SCMP_ACT_ALLOW' });
  return {
    defaultAction: profile.defaultAction,
    ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}),
    ...(architectures?.length ? { architectures } : {}),
    ...(profile.flags?.length ? { flags: profile.flags } : {}),
    syscalls,
  };
}

/** Compile a (validated) OCI seccomp config to the BPF program the spawner loads after no_new_privs. */
export function compile(p: OciSeccomp): Buffer {
  try {
    return native.compileSeccomp(p);
  } catch (err) {
    throw toNativeError(err);
  }
}
