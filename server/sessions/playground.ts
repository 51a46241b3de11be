// playground.ts - a learner's config.json for the playground: parsed, merged over the secure defaults, and held to the lab's walls.
import { DOCKER_DEFAULT_CAPS, mergeConfig, secureDefaults, type OciConfig } from '../engine/config/index.ts';
import { UserError } from '../engine/errors.ts';

export const PLAYGROUND_ARGS = ['sleep', '1000000000'];
const MiB = 1024 * 1024;
/** Upper bounds a learner may raise the limits to (the defaults are lower): a room shares one VM. */
export const PLAYGROUND_MAX = { memory: 512 * MiB, pids: 512, cpus: 2 };
/** The namespaces that keep a learner off the host: uids, processes, mounts, and the server's port (network). */
const REQUIRED_NAMESPACES = ['user', 'pid', 'mount', 'network'] as const;

export function playgroundDefaults(): OciConfig {
  return secureDefaults({ args: PLAYGROUND_ARGS, hostname: 'playground' });
}

/** The effective config of a playground container, or a UserError naming the field that breaks a rule. */
export function playgroundConfig(text: string): OciConfig {
  let partial: unknown;
  try {
    partial = text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    throw new UserError(`config.json is not valid JSON: ${(e as Error).message}`, 'check for a missing comma, quote or brace');
  }
  const config = mergeConfig(playgroundDefaults(), partial, 'config.json');
  const namespaces = config.linux?.namespaces ?? [];
  for (const type of REQUIRED_NAMESPACES) {
    if (!namespaces.some((ns) => ns.type === type)) {
      throw new UserError(`config.json: linux.namespaces: the playground keeps the "${type}" namespace`,
        type === 'user' ? 'without its own user namespace, root in the container would be root on the host' : 'it is what keeps this container off the host');
    }
  }
  const joined = namespaces.find((ns) => ns.path !== undefined);
  if (joined) throw new UserError(`config.json: linux.namespaces: joining an existing ${joined.type} namespace (path) is not allowed in the playground`);
  for (const key of ['uidMappings', 'gidMappings'] as const) {
    if ((config.linux?.[key]?.length ?? 0) > 0) {
      throw new UserError(`config.json: linux.${key}: the playground maps ids itself`, 'leave it empty: the engine gives every container its own host uid range');
    }
  }
  const r = config.linux?.resources;
  const memory = r?.memory?.limit;
  if (!memory || memory <= 0 || memory > PLAYGROUND_MAX.memory) {
    throw new UserError(`config.json: linux.resources.memory.limit: must be between 1 and ${PLAYGROUND_MAX.memory} bytes (512 MiB) in the playground`);
  }
  const pids = r?.pids?.limit;
  if (!pids || pids <= 0 || pids > PLAYGROUND_MAX.pids) {
    throw new UserError(`config.json: linux.resources.pids.limit: must be between 1 and ${PLAYGROUND_MAX.pids} in the playground`);
  }
  const quota = r?.cpu?.quota;
  const period = r?.cpu?.period ?? 100_000;
  if (!quota || quota <= 0 || quota / period > PLAYGROUND_MAX.cpus) {
    throw new UserError(`config.json: linux.resources.cpu.quota: must be set, at most ${PLAYGROUND_MAX.cpus} CPUs (quota/period) in the playground`);
  }
  const annotations = config.annotations ?? {};
  const annotation = Object.keys(annotations).find((k) => k.startsWith('org.glassbox.') && k !== 'org.glassbox.seccomp');
  if (annotation) throw new UserError(`config.json: annotations.${annotation}: glassbox annotations are not available in the playground`);
  const profile = annotations['org.glassbox.seccomp'];
  if (profile !== undefined && profile !== 'default' && profile !== 'strict') {
    throw new UserError(`config.json: annotations.org.glassbox.seccomp: "${profile}" is not available in the playground (default or strict)`,
      "a learner's container keeps a seccomp profile at least as strict as Docker's default");
  }
  if (config.linux?.seccomp !== undefined) {
    throw new UserError('config.json: linux.seccomp: custom seccomp profiles are not available in the playground',
      'choose the profile with annotations["org.glassbox.seccomp"]: "default" or "strict"');
  }
  // Capabilities can be dropped to see what breaks, not added: Docker's default set is the most a learner's container gets.
  const caps = config.process.capabilities ?? {};
  for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) {
    const extra = (caps[set] ?? []).find((c) => !DOCKER_DEFAULT_CAPS.includes(c));
    if (extra) {
      throw new UserError(`config.json: process.capabilities.${set}: ${extra} is beyond Docker's default set, the most the playground gives`,
        `the playground's set: ${DOCKER_DEFAULT_CAPS.join(', ')}; drop any of them to see what breaks`);
    }
  }
  return config;
}
