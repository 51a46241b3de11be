// origin.ts - which Host and Origin headers the server answers: no DNS rebinding, no cross-site WebSocket hijacking.
import net from 'node:net';
import os from 'node:os';

export interface HostPolicy {
  /** The address the server listens on (127.0.0.1, 0.0.0.0, ::, a name). */
  host: string;
  port: number;
  /** Extra host[:port] names a reverse proxy or a workshop DNS name uses (GLASSBOX_ALLOWED_HOSTS, comma-separated). */
  extraHosts?: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/** "name:port" or "[v6]:port" → { name, port }; null when malformed. */
export function splitHost(header: string): { name: string; port: number | null } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(header);
  if (!m) return null;
  return { name: (m[1] ?? m[2]).toLowerCase().replace(/\.$/, ''), port: m[3] ? Number(m[3]) : null };
}

function localAddresses(): Set<string> {
  const out = new Set<string>([os.hostname().toLowerCase()]);
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) out.add(a.address.toLowerCase());
  return out;
}

/**
 * Is this Host header one the server answers to? The port must be the listening one and the name a loopback name,
 * the listening address, or (when listening on every address) one of this machine's addresses or its hostname.
 * A page from another site that rebinds its DNS name to this machine sends its own name as Host, and is refused.
 */
export function hostAllowed(header: string | undefined, policy: HostPolicy): boolean {
  if (!header) return false;
  const extra = policy.extraHosts ?? [];
  if (extra.some((h) => h.toLowerCase() === header.toLowerCase())) return true;
  const parsed = splitHost(header);
  if (!parsed || parsed.port !== policy.port) return false;
  if (LOOPBACK.has(parsed.name)) return true;
  const listen = policy.host.toLowerCase();
  if (parsed.name === listen) return true;
  const wildcard = listen === '0.0.0.0' || listen === '::' || listen === '';
  if (wildcard) return localAddresses().has(parsed.name) && (net.isIP(parsed.name) > 0 || parsed.name === os.hostname().toLowerCase());
  return extra.some((h) => h.toLowerCase() === parsed.name);
}

/** The browser's Origin must be this very server as the Host header names it (http or https behind a proxy). */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (!origin || !hostHeader) return false;
  return origin === `http://${hostHeader}` || origin === `https://${hostHeader}`;
}

export function extraHostsFromEnv(): string[] {
  return (process.env.GLASSBOX_ALLOWED_HOSTS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
