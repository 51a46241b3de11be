// playgroundConfig.ts - the playground's starting config.json (a partial OCI config) and the edits its form controls make.

export const NAMESPACES = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time'] as const;
export type NamespaceType = (typeof NAMESPACES)[number];
/** The playground keeps a profile at least as strict as Docker's default (the server refuses anything else). */
export type SeccompChoice = 'default' | 'strict';

/** Docker's default set as the engine grants it, then a few a learner may want to try adding. */
export const DEFAULT_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];
/** Capabilities beyond Docker's default set are not offered: the playground only lets a learner drop them. */
export const EXTRA_CAPS: string[] = [];

type Json = Record<string, any>;

export const STARTER: Json = {
  hostname: 'playground',
  linux: {
    namespaces: ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup'].map((type) => ({ type })),
    resources: {
      memory: { limit: 256 * 1024 * 1024 },
      pids: { limit: 128 },
      cpu: { quota: 100_000, period: 100_000 },
    },
  },
  process: { capabilities: { bounding: DEFAULT_CAPS, effective: DEFAULT_CAPS, permitted: DEFAULT_CAPS } },
  annotations: {},
};

/** JSON with small arrays and objects kept on one line, so the namespaces and capabilities stay readable. */
export function pretty(value: unknown, indent = ''): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return 'null';
  if (value === null || typeof value !== 'object' || flat.length + indent.length <= 100) return flat.replace(/([,:])(?=["{[\d-tfn])/g, '$1 ');
  const inner = indent + '  ';
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
    // A long list of names: as many per line as fit.
    const lines: string[] = [];
    for (const item of value.map((v) => JSON.stringify(v))) {
      const last = lines.length - 1;
      if (last >= 0 && inner.length + lines[last].length + item.length + 2 <= 100) lines[last] += `, ${item}`;
      else lines.push(item);
    }
    return `[\n${lines.map((l) => inner + l).join(',\n')}\n${indent}]`;
  }
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(',\n')}\n${indent}}`;
}

export const starterText = () => pretty(STARTER);

export function parseJson(text: string): { ok: true; value: Json } | { ok: false; message: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'config.json must be a JSON object' };
    return { ok: true, value: value as Json };
  } catch (err) {
    return { ok: false, message: `config.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

const obj = (parent: Json, key: string): Json => (parent[key] && typeof parent[key] === 'object' && !Array.isArray(parent[key]) ? parent[key] : (parent[key] = {}));

/** What the form shows, read from whatever the learner has typed. */
export function readForm(c: Json) {
  const ns: string[] = Array.isArray(c.linux?.namespaces) ? c.linux.namespaces.map((n: Json) => n?.type) : [];
  const caps: string[] = Array.isArray(c.process?.capabilities?.bounding) ? c.process.capabilities.bounding : DEFAULT_CAPS;
  const seccompAnnotation = c.annotations?.['org.glassbox.seccomp'];
  return {
    hostname: typeof c.hostname === 'string' ? c.hostname : '',
    namespaces: new Set(ns),
    memoryMiB: typeof c.linux?.resources?.memory?.limit === 'number' ? Math.round(c.linux.resources.memory.limit / 1048576) : '',
    pids: typeof c.linux?.resources?.pids?.limit === 'number' ? c.linux.resources.pids.limit : '',
    cpuPercent: typeof c.linux?.resources?.cpu?.quota === 'number' && c.linux.resources.cpu.quota > 0
      ? Math.round((c.linux.resources.cpu.quota / (c.linux.resources.cpu.period ?? 100_000)) * 100) : '',
    seccomp: (seccompAnnotation === 'strict' ? 'strict' : 'default') as SeccompChoice,
    caps: new Set(caps),
  };
}

export function setHostname(c: Json, hostname: string): void {
  if (hostname) c.hostname = hostname; else delete c.hostname;
}

export function toggleNamespace(c: Json, type: NamespaceType, on: boolean): void {
  const linux = obj(c, 'linux');
  const list: Json[] = Array.isArray(linux.namespaces) ? linux.namespaces.filter((n: Json) => n?.type !== type) : [];
  if (on) list.push({ type });
  linux.namespaces = NAMESPACES.flatMap((t) => list.filter((n) => n.type === t)); // keep a stable order
}

export function setLimit(c: Json, which: 'memoryMiB' | 'pids' | 'cpuPercent', value: number | null): void {
  const resources = obj(obj(c, 'linux'), 'resources');
  if (which === 'memoryMiB') obj(resources, 'memory').limit = value === null ? -1 : value * 1048576;
  if (which === 'pids') obj(resources, 'pids').limit = value === null ? -1 : value;
  if (which === 'cpuPercent') {
    const cpu = obj(resources, 'cpu');
    cpu.period = cpu.period ?? 100_000;
    cpu.quota = value === null ? -1 : Math.max(1000, Math.round((value / 100) * cpu.period));
  }
}

/** default: Docker's profile; strict: glassbox's stricter one, asked for by annotation. */
export function setSeccomp(c: Json, choice: SeccompChoice): void {
  const annotations = obj(c, 'annotations');
  delete annotations['org.glassbox.seccomp'];
  if (c.linux) delete c.linux.seccomp;
  if (choice !== 'default') annotations['org.glassbox.seccomp'] = choice;
}

/** Capabilities move together in bounding, effective and permitted, as `glassbox run --cap-add` does. */
export function toggleCap(c: Json, cap: string, on: boolean): void {
  const caps = obj(obj(c, 'process'), 'capabilities');
  const current: string[] = Array.isArray(caps.bounding) ? caps.bounding : [...DEFAULT_CAPS];
  const next = on ? [...new Set([...current, cap])] : current.filter((x) => x !== cap);
  caps.bounding = next;
  caps.effective = [...next];
  caps.permitted = [...next];
  for (const set of ['inheritable', 'ambient']) if (Array.isArray(caps[set])) caps[set] = caps[set].filter((x: string) => next.includes(x));
}
