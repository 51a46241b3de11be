// security.ts - the security panel: capability sets by name, NoNewPrivs, seccomp mode and profile, and the live feed of denied syscalls.
import fs from 'node:fs';
import type { Container } from '../engine/container.ts';
import { ALL_CAPS } from '../engine/config/caps.ts';
import { SLOT_SIZE } from '../engine/userns.ts';
import type { SeccompDenial, SecurityPanel } from '../../app/lib/protocol.ts';
import { every, readStatus } from './proc.ts';
import { subscribeDenials, takeLost, type SeccompRecord } from './audit.ts';
import type { Emit, PanelWatch } from './index.ts';

/** Capabilities and modes change only by exec or capset: sampled slowly. */
export const SECURITY_SAMPLE_MS = 1000;
/** A denial reaches the browser within FIRST_FLUSH_MS; a burst is batched, at most 4 updates a second. */
const FIRST_FLUSH_MS = 25;
const MIN_GAP_MS = 250;
/** A loop of denied calls must not flood the browser: at most this many per update, the rest counted. */
const MAX_DENIALS_PER_UPDATE = 50;

const SECCOMP_MODES = ['disabled', 'strict', 'filter'] as const;

/** Names of the bits set in a capability mask (CapEff etc. of /proc/<pid>/status). */
export function capNames(mask: bigint): string[] {
  const out: string[] = [];
  for (let n = 0; n < 64; n++) if ((mask >> BigInt(n)) & 1n) out.push(ALL_CAPS[n] ?? `CAP_${n}`);
  return out;
}

/**
 * Is this record one of the container's? By the process's cgroup while it lives. A denied call is often a process's
 * last, and an exiting task already shows the root cgroup (cgroup_exit): then by its host uid, which lies in the
 * container's own uid range (a user namespace slot; a container without one is matched by cgroup only).
 */
export function ownsRecord(container: Container, r: SeccompRecord): boolean {
  let paths: string[] = [];
  try {
    paths = fs.readFileSync(`/proc/${r.hostPid}/cgroup`, 'utf8').split('\n').filter(Boolean).map((l) => l.split(':').slice(2).join(':'));
  } catch { /* gone already */ }
  if (paths.some((p) => p.split('/').includes(container.id))) return true;
  if (paths.some((p) => p !== '/')) return false; // alive, in another cgroup
  const base = container.state.uidBase;
  return base !== null && r.uid >= base && r.uid < base + SLOT_SIZE;
}

export function watchSecurity(container: Container, emit: Emit): PanelWatch {
  let pending: SeccompDenial[] = [];
  let dropped = 0;
  let lastFlush = 0;
  let flushTimer: NodeJS.Timeout | null = null;
  let lastJson = '';
  let base: Omit<SecurityPanel, 'denials'> | null = null;
  let disposed = false;

  const flush = () => {
    flushTimer = null;
    if (disposed || !base) return;
    lastFlush = Date.now();
    const lost = takeLost();
    const msg: SecurityPanel = { ...base, denials: pending };
    if (dropped || lost) msg.denialsNote = `${dropped ? `${dropped} more denials not shown` : ''}${dropped && lost ? '; ' : ''}${lost ? 'the kernel dropped audit records' : ''}`;
    pending = [];
    dropped = 0;
    emit('panel:security', msg);
  };
  const schedule = () => {
    if (flushTimer || disposed) return;
    flushTimer = setTimeout(flush, Math.max(FIRST_FLUSH_MS, MIN_GAP_MS - (Date.now() - lastFlush)));
  };

  const feed = subscribeDenials((r) => {
    if (!ownsRecord(container, r)) return;
    if (pending.length >= MAX_DENIALS_PER_UPDATE) dropped++;
    else pending.push({ syscall: r.syscall, nr: r.nr, hostPid: r.hostPid, comm: r.comm, time: r.time });
    schedule();
  });

  const sampler = every(SECURITY_SAMPLE_MS, () => {
    const st = container.pid > 0 ? readStatus(container.pid) : null;
    if (!st) return;
    base = {
      containerId: container.id,
      capabilities: {
        effective: capNames(st.capEff), permitted: capNames(st.capPrm), inheritable: capNames(st.capInh),
        bounding: capNames(st.capBnd), ambient: capNames(st.capAmb),
      },
      noNewPrivs: st.noNewPrivs,
      seccomp: { mode: SECCOMP_MODES[st.seccomp] ?? 'filter', profile: container.state.seccomp.profile },
      denialsAvailable: feed.available,
      ...(feed.available ? {} : { denialsNote: feed.reason }),
    };
    const json = JSON.stringify(base);
    if (json === lastJson) return;
    lastJson = json;
    if (flushTimer) clearTimeout(flushTimer);
    flush();
  });

  return {
    dispose() {
      disposed = true;
      sampler.stop();
      if (flushTimer) clearTimeout(flushTimer);
      feed.unsubscribe();
    },
  };
}
