// SecurityPanel.tsx - capability sets by name, NoNewPrivs, the seccomp mode and profile, and a live feed of denied syscalls.
'use client';
import type { SeccompDenial, SecurityPanel as SecurityPanelData } from '../../lib/protocol.ts';
import { formatTime } from './format.ts';
import { Waiting } from './Waiting.tsx';

const SETS = ['effective', 'permitted', 'bounding', 'inheritable', 'ambient'] as const;

export function SecurityPanel({ data, denials }: { data: Omit<SecurityPanelData, 'denials'> | null; denials: SeccompDenial[] }) {
  if (!data) return <Waiting what="the security settings" />;
  return (
    <div>
      <dl className="facts">
        <div className={data.noNewPrivs ? 'good' : 'warn'}><dt>NoNewPrivs</dt><dd>{data.noNewPrivs ? '1 (set)' : '0'}</dd></div>
        <div className={data.seccomp.mode === 'disabled' ? 'warn' : 'good'}><dt>Seccomp</dt><dd>{data.seccomp.mode}</dd></div>
        <div><dt>profile</dt><dd>{data.seccomp.profile}</dd></div>
      </dl>
      {SETS.map((set) => (
        <div key={set} className="capset">
          <h4>Cap{set[0].toUpperCase() + set.slice(1, 3)} <span className="muted">({set}, {data.capabilities[set].length})</span></h4>
          {data.capabilities[set].length === 0 ? <span className="muted">none</span> : (
            <ul className="chips">{data.capabilities[set].map((c) => <li key={c}><code>{c.replace(/^CAP_/, '')}</code></li>)}</ul>
          )}
        </div>
      ))}
      <h4>Denied syscalls <span className="muted">(live)</span></h4>
      {denials.length === 0 ? <p className="waiting">None yet. Try <code>unshare -U</code> or <code>mount -t tmpfs x /mnt</code>.</p> : (
        <table className="denials" aria-live="polite">
          <thead><tr><th scope="col">time</th><th scope="col">syscall</th><th scope="col">process</th></tr></thead>
          <tbody>
            {denials.map((d, i) => (
              <tr key={`${d.time}-${d.hostPid}-${d.nr}-${i}`}>
                <td>{formatTime(d.time)}</td><td><code>{d.syscall}</code> <span className="muted">#{d.nr}</span></td><td><code>{d.comm}</code> <span className="muted">{d.hostPid}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
