// network.ts - the optional lab network: a veth from the container to a bridge that has no address on the host.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import type { ContainerState } from './state.ts';
import { UserError } from './errors.ts';

export const LAB_BRIDGE = 'gb-lab0';
const LAB_PREFIX = '10.213';

function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; code?: string };
    if (err.code === 'ENOENT') throw new UserError('the lab network needs iproute2 (`ip`)', 'apt-get install iproute2');
    throw new UserError(`ip ${args.join(' ')}: ${String(err.stderr ?? '').trim()}`);
  }
}

/** The bridge carries traffic between lab containers only: it has no host address, so the host (and the server's port) is unreachable. */
export function ensureLabBridge(): void {
  try {
    execFileSync('ip', ['link', 'show', LAB_BRIDGE], { stdio: 'ignore' });
  } catch {
    ip(['link', 'add', LAB_BRIDGE, 'type', 'bridge']);
    ip(['link', 'set', LAB_BRIDGE, 'up']);
  }
}

/** veth pair: host end on the bridge, container end renamed eth0 with an address in 10.213.0.0/16. */
export async function attachLabNetwork(s: ContainerState): Promise<string> {
  ensureLabBridge();
  const host = `gbv${s.id.slice(0, 8)}`;
  const peer = `gbp${s.id.slice(0, 8)}`;
  const n = crypto.randomInt(2, 65000);
  const address = `${LAB_PREFIX}.${n >> 8}.${n & 255}`;
  ip(['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
  ip(['link', 'set', host, 'master', LAB_BRIDGE, 'up']);
  ip(['link', 'set', peer, 'netns', String(s.pid)]);
  const inNs = (args: string[]) => execFileSync('nsenter', ['-t', String(s.pid), '-n', 'ip', ...args], { stdio: 'ignore' });
  inNs(['link', 'set', peer, 'name', 'eth0']);
  inNs(['addr', 'add', `${address}/16`, 'dev', 'eth0']);
  inNs(['link', 'set', 'eth0', 'up']);
  return address;
}
