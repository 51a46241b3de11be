// audit.ts - one listener per server process on the kernel's audit feed (seccomp denials), shared by every watched container.
import native from '../../native/index.ts';

/** One AUDIT_SECCOMP record: a syscall that a seccomp filter logged (the container's filter carries SECCOMP_FILTER_FLAG_LOG). */
export interface SeccompRecord { hostPid: number; uid: number; comm: string; nr: number; arch: number; syscall: string; action: number; time: number }

type Subscriber = (r: SeccompRecord) => void;
const subscribers = new Set<Subscriber>();
let listening = false;
let unavailable: string | null = null;

/** seccomp(2) return actions (the top 16 bits of code=); LOG and ALLOW are not denials. */
const SECCOMP_RET_ACTION_FULL = 0xffff0000;
const NOT_DENIALS = new Set([0x7ffc0000 /* LOG */, 0x7fff0000 /* ALLOW */]);

/** `audit(1700000000.123:42): ... pid=12 uid=... comm="sh" ... arch=c000003e syscall=83 ... code=0x50000` → a record, or null. */
export function parseSeccompRecord(text: string): SeccompRecord | null {
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}=("[^"]*"|\\S+)`).exec(text)?.[1];
  const pid = Number(field('pid'));
  const nr = Number(field('syscall'));
  if (!Number.isInteger(pid) || !Number.isInteger(nr)) return null;
  const arch = parseInt(field('arch') ?? '0', 16) || 0;
  const action = (Number(field('code') ?? 0) & SECCOMP_RET_ACTION_FULL) >>> 0;
  // comm is quoted, or hex when it holds a quote, space or control character (audit_log_untrustedstring)
  const rawComm = field('comm') ?? '';
  const comm = rawComm.startsWith('"') ? rawComm.slice(1, -1) : /^[0-9A-F]+$/i.test(rawComm) ? Buffer.from(rawComm, 'hex').toString('utf8') : rawComm;
  const stamp = /^audit\((\d+)\.(\d+):/.exec(text);
  const time = stamp ? Number(stamp[1]) * 1000 + Number(stamp[2]) : Date.now();
  let syscall: string | null = null;
  try {
    syscall = native.syscallName(nr, arch);
  } catch { /* an arch libseccomp does not know */ }
  return { hostPid: pid, uid: Number(field('uid') ?? -1), comm, nr, arch, syscall: syscall ?? `syscall_${nr}`, action, time };
}

function deliver(records: string[]): void {
  for (const text of records) {
    const r = parseSeccompRecord(text);
    if (!r || NOT_DENIALS.has(r.action)) continue;
    for (const s of subscribers) s(r);
  }
}

/**
 * Receive every seccomp denial on the host until unsubscribe(). `available` is false (with the reason) when the audit
 * feed cannot be opened here (no CAP_AUDIT_READ, a kernel without audit, a network namespace other than the host's).
 */
export function subscribeDenials(fn: Subscriber): { available: boolean; reason?: string; unsubscribe(): void } {
  if (!listening) {
    try {
      native.auditStart((records, lost) => {
        if (lost) lostRecords = true;
        deliver(records);
      });
      listening = true;
      unavailable = null;
    } catch (e) {
      unavailable = `the kernel's audit feed cannot be read here: ${(e as Error).message}`;
    }
  }
  if (!listening) return { available: false, reason: unavailable ?? 'unavailable', unsubscribe() {} };
  subscribers.add(fn);
  let done = false;
  return {
    available: true,
    unsubscribe() {
      if (done) return;
      done = true;
      subscribers.delete(fn);
      if (subscribers.size === 0 && listening) {
        native.auditStop();
        listening = false;
      }
    },
  };
}

let lostRecords = false;
/** True once if the kernel dropped records since the last call (the socket overflowed). */
export function takeLost(): boolean {
  const l = lostRecords;
  lostRecords = false;
  return l;
}

/** For tests: is the one audit socket open? */
export function auditListening(): boolean {
  return listening;
}
