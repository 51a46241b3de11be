// checks.ts - rules of the OCI config that span fields: a hostname needs a uts namespace, a sysctl its namespace, and so on.

import type { z } from 'zod';
import type { ociConfigShape } from './schema.ts';

type Shape = z.infer<typeof ociConfigShape>;
type Ctx = z.RefinementCtx;
type Path = (string | number)[];
type DeviceRule = { allow: boolean; type?: string; major?: number; minor?: number };

/** Namespace-aware sysctls, as Docker allows them: each is only safe inside its own namespace (see sysctl(8), namespaces(7)). */
const sysctlRules: { test: (key: string) => boolean; namespace: string }[] = [
  { test: (k) => k.startsWith('net.'), namespace: 'network' },
  { test: (k) => /^kernel\.(shm[a-z_]*|msg[a-z]*|sem)$/.test(k), namespace: 'ipc' },
  { test: (k) => k.startsWith('fs.mqueue.'), namespace: 'ipc' },
];

/** The org.glassbox.* annotations and what their values look like. */
export const GLASSBOX_ANNOTATIONS: Record<string, { shape: RegExp; says: string }> = {
  'org.glassbox.net': { shape: /^(none|lab)$/, says: 'none or lab' },
  'org.glassbox.allow': { shape: /^([a-z0-9][a-z0-9-]*)(,[a-z0-9][a-z0-9-]*)*$|^$/, says: 'a comma list of permission names' },
  'org.glassbox.name': { shape: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, says: 'a container name (letters, digits, _ . -)' },
  'org.glassbox.seccomp': { shape: /^(default|strict|unconfined)$/, says: 'default, strict or unconfined' },
};

export function crossCheck(cfg: Shape, ctx: Ctx): void {
  const fail = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const namespaces = cfg.linux?.namespaces ?? [];
  const has = (type: string) => namespaces.some((ns) => ns.type === type);

  const seen = new Set<string>();
  namespaces.forEach((ns, i) => {
    if (seen.has(ns.type)) fail(['linux', 'namespaces', i, 'type'], `"${ns.type}" is listed twice`);
    seen.add(ns.type);
    // Joining another container's namespaces would let one learner reach into another's; the
    // network namespace is the exception, for a lab network the engine prepares.
    if (ns.path !== undefined && ns.type !== 'network') {
      fail(['linux', 'namespaces', i, 'path'], `joining an existing ${ns.type} namespace is not supported by glassbox (only a network namespace may have a path)`);
    }
  });

  for (const key of ['uidMappings', 'gidMappings'] as const) {
    if ((cfg.linux?.[key]?.length ?? 0) > 0 && !has('user')) {
      fail(['linux', key], 'needs a user namespace (add {"type": "user"} to linux.namespaces)');
    }
  }
  if (cfg.hostname && !has('uts')) fail(['hostname'], 'needs a uts namespace (add {"type": "uts"} to linux.namespaces)');
  if (cfg.domainname && !has('uts')) fail(['domainname'], 'needs a uts namespace (add {"type": "uts"} to linux.namespaces)');
  if (cfg.linux?.timeOffsets && !has('time')) fail(['linux', 'timeOffsets'], 'needs a time namespace (add {"type": "time"} to linux.namespaces)');

  for (const key of Object.keys(cfg.linux?.sysctl ?? {})) {
    const rule = sysctlRules.find((r) => r.test(key));
    if (!rule) {
      fail(['linux', 'sysctl', key], 'not a namespaced sysctl, so not supported by glassbox (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)');
    } else if (!has(rule.namespace)) {
      fail(['linux', 'sysctl', key], `needs ${rule.namespace === 'ipc' ? 'an' : 'a'} ${rule.namespace} namespace, or it would change the host`);
    }
  }

  (cfg.mounts ?? []).forEach((m, i) => {
    const options = m.options ?? [];
    const bind = m.type === 'bind' || options.includes('bind') || options.includes('rbind');
    if (bind && !m.source) fail(['mounts', i, 'source'], 'a bind mount needs a source');
    if (!bind && (m.type === undefined || m.type === 'none')) {
      fail(['mounts', i, 'type'], 'missing: give a type, or bind or rbind in the options');
    }
  });

  const memory = cfg.linux?.resources?.memory;
  if (memory?.limit && memory.limit > 0) {
    if (memory.swap !== undefined && memory.swap > 0 && memory.swap < memory.limit) {
      fail(['linux', 'resources', 'memory', 'swap'], 'must not be below limit (swap counts memory plus swap)');
    }
    if (memory.reservation !== undefined && memory.reservation > memory.limit) {
      fail(['linux', 'resources', 'memory', 'reservation'], 'must not be above limit');
    }
  }

  checkDevices(cfg.linux?.resources?.devices, fail);

  for (const [key, value] of Object.entries(cfg.annotations ?? {})) {
    if (!key.startsWith('org.glassbox.')) continue;
    const known = GLASSBOX_ANNOTATIONS[key];
    if (!known) {
      fail(['annotations', key], `unknown glassbox annotation (known: ${Object.keys(GLASSBOX_ANNOTATIONS).join(', ')})`);
    } else if (!known.shape.test(value)) {
      fail(['annotations', key], `"${value}" is not ${known.says}`);
    }
  }
}

/**
 * glassbox does not program the devices cgroup (it builds /dev itself, and a user namespace cannot
 * mknod), so it accepts only a list that starts by denying everything, like the ones runc and Docker write.
 */
function checkDevices(devices: DeviceRule[] | undefined, fail: (path: Path, message: string) => void): void {
  if (!devices || devices.length === 0) return;
  const first = devices[0];
  const denyAll = !first.allow && (first.type === undefined || first.type === 'a') &&
    first.major === undefined && first.minor === undefined;
  if (!denyAll) {
    fail(['linux', 'resources', 'devices', 0], 'must deny every device ({"allow": false, "access": "rwm"}): glassbox supports only the default device list');
  }
  devices.forEach((d, i) => {
    if (i > 0 && d.allow && (d.type === undefined || d.type === 'a')) {
      fail(['linux', 'resources', 'devices', i], 'allowing every device is not supported by glassbox');
    }
  });
}
