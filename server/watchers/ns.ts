// ns.ts - the ns panel: every process of the container against the eight namespace types, sampled while watched.
import native from '../../native/index.ts';
import type { Container } from '../engine/container.ts';
import { NS_TYPES, type NsPanel, type NsProcess, type NsType } from '../../app/lib/protocol.ts';
import { containerPids, every, readComm, readStatus } from './proc.ts';
import type { Emit, PanelWatch } from './index.ts';

/** The kernel cannot notify a setns/unshare: sample, 4 per second at most. */
export const NS_SAMPLE_MS = 250;

type Inodes = Partial<Record<NsType, number>>;

function inodesOf(pid: number): Inodes | null {
  try {
    const raw = native.nsInodes(pid);
    const out: Inodes = {};
    for (const t of NS_TYPES) if (raw[t] !== null && raw[t] !== undefined) out[t] = raw[t]!;
    return out;
  } catch {
    return null; // exited between the listing and the read
  }
}

/** The uts name as the container sees it (hostname(1) inside changes it without changing the inode). */
function hostnameOf(pid: number): string | null {
  try {
    return native.utsHostname(pid);
  } catch {
    return null;
  }
}

export function watchNs(container: Container, emit: Emit): PanelWatch {
  const host = inodesOf(process.pid) ?? {};
  const last = new Map<number, Inodes>();
  let lastJson = '';
  const sampler = every(NS_SAMPLE_MS, () => {
    const processes: NsProcess[] = [];
    const ppids = new Map<number, number>();
    const changed: string[] = [];
    const seen = new Map<number, Inodes>();
    for (const hostPid of containerPids(container)) {
      const st = readStatus(hostPid);
      const ns = st && inodesOf(hostPid);
      if (!st || !ns) continue;
      processes.push({ hostPid, nsPid: st.nsPid, comm: readComm(hostPid) || st.name, ns });
      ppids.set(hostPid, st.ppid);
      seen.set(hostPid, ns);
    }
    for (const p of processes) {
      // against its own last sample; a process new since then against its parent's (born into another
      // namespace than its parent = it ran unshare, or was moved by setns, before we first saw it)
      const before = last.get(p.hostPid) ?? seen.get(ppids.get(p.hostPid) ?? -1);
      if (!before) continue;
      for (const t of NS_TYPES) if (before[t] !== undefined && p.ns[t] !== undefined && before[t] !== p.ns[t]) changed.push(`${p.hostPid}:${t}`);
    }
    last.clear();
    for (const [pid, ns] of seen) last.set(pid, ns);
    const hostname = container.pid > 0 ? hostnameOf(container.pid) : null;
    const json = JSON.stringify([processes, hostname]);
    if (json === lastJson && !changed.length) return; // emit only what changed
    lastJson = json;
    const msg: NsPanel = { containerId: container.id, host, processes, hostname, changed };
    emit('panel:ns', msg);
  });
  return { dispose: () => sampler.stop() };
}
