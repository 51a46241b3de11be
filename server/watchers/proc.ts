// proc.ts - what the panels read about a container's processes: its pids (from its cgroup) and /proc/<pid>/status fields.
import fs from 'node:fs';
import type { Container } from '../engine/container.ts';
import { pidsIn } from '../engine/cgroups/common.ts';

/** A forkbomb must not turn a panel into a flood: beyond this many processes the panels show the first ones. */
export const MAX_PROCESSES = 256;

/** Host pids of every process in the container's cgroup (nested cgroups included), ascending, bounded. */
export function containerPids(container: Container): number[] {
  const dirs = container.state.cgroup.dirs;
  let pids: number[] = [];
  try {
    pids = dirs.length ? pidsIn(dirs) : [];
  } catch { /* the cgroup went away with the container */ }
  if (!pids.length && container.pid > 0 && fs.existsSync(`/proc/${container.pid}`)) pids = [container.pid];
  return pids.slice(0, MAX_PROCESSES);
}

export interface ProcStatus {
  name: string;
  state: string;
  ppid: number;
  uid: number;
  nsPid: number[];
  capEff: bigint; capPrm: bigint; capInh: bigint; capBnd: bigint; capAmb: bigint;
  noNewPrivs: boolean;
  seccomp: number;
}

/** /proc/<pid>/status parsed (null when the process is gone). */
export function readStatus(pid: number): ProcStatus | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const f = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) f.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const hex = (k: string) => { try { return BigInt(`0x${f.get(k) ?? '0'}`); } catch { return 0n; } };
  return {
    name: f.get('Name') ?? '',
    state: (f.get('State') ?? '?').split(' ')[0],
    ppid: Number(f.get('PPid') ?? 0),
    uid: Number((f.get('Uid') ?? '0').split(/\s+/)[0]),
    nsPid: (f.get('NSpid') ?? String(pid)).split(/\s+/).map(Number),
    capEff: hex('CapEff'), capPrm: hex('CapPrm'), capInh: hex('CapInh'), capBnd: hex('CapBnd'), capAmb: hex('CapAmb'),
    noNewPrivs: f.get('NoNewPrivs') === '1',
    seccomp: Number(f.get('Seccomp') ?? 0),
  };
}

/** /proc/<pid>/comm without its newline ('' when gone). */
export function readComm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The command line, NULs as spaces, at most maxChars (a learner's 100 kB argument list stays on the host). */
export function readArgs(pid: number, maxChars = 256): string {
  let fd: number;
  try {
    fd = fs.openSync(`/proc/${pid}/cmdline`, 'r');
  } catch {
    return '';
  }
  try {
    const buf = Buffer.alloc(maxChars * 4);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const s = buf.subarray(0, n).toString('utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
    return s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s;
  } catch {
    return '';
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A timer that runs `tick` every `ms` (bounded rate: callers pass ≥ 250 ms) until stopped; a tick that throws is
 * reported once per message, never crashes the server. The first tick runs at once.
 */
export function every(ms: number, tick: () => void, onError: (e: unknown) => void = () => {}): { stop(): void } {
  let stopped = false;
  const run = () => {
    if (stopped) return;
    try {
      tick();
    } catch (e) {
      onError(e);
    }
  };
  const timer = setInterval(run, ms);
  run();
  return { stop() { stopped = true; clearInterval(timer); } };
}
