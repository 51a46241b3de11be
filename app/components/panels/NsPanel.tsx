// NsPanel.tsx - every process of the container against the eight namespace types: inode, and whether the host shares it.
'use client';
import { NS_TYPES } from '../../lib/limits.ts';
import type { NsPanel as NsPanelData } from '../../lib/protocol.ts';
import { Waiting } from './Waiting.tsx';

export function NsPanel({ data }: { data: NsPanelData | null }) {
  if (!data) return <Waiting what="namespaces" />;
  const changed = new Set(data.changed);
  return (
    <div>
      <p className="panel-line">
        hostname <code className="value">{data.hostname ?? '—'}</code>
        <span className="legend"><span className="swatch own" /> own namespace <span className="swatch shared" /> shared with the host <span className="swatch changed" /> just changed</span>
      </p>
      <div className="table-scroll">
        <table className="ns-table">
          <caption className="sr-only">Namespace inodes of each process (readlink /proc/PID/ns/TYPE)</caption>
          <thead>
            <tr>
              <th scope="col">process <span className="muted">(PID host → inside)</span></th>
              {NS_TYPES.map((t) => <th scope="col" key={t}>{t}</th>)}
            </tr>
          </thead>
          <tbody>
            <tr className="host-row">
              <th scope="row">the host</th>
              {NS_TYPES.map((t) => <td key={t}><code>{data.host[t] ?? '—'}</code></td>)}
            </tr>
            {data.processes.map((p) => (
              <tr key={p.hostPid}>
                <th scope="row"><code>{p.comm}</code> <span className="muted">{p.nsPid.join(' → ')}</span></th>
                {NS_TYPES.map((t) => {
                  const inode = p.ns[t];
                  const shared = inode !== undefined && inode === data.host[t];
                  const isChanged = changed.has(`${p.hostPid}:${t}`);
                  const cls = [shared ? 'shared' : 'own', isChanged ? 'changed' : ''].join(' ').trim();
                  return (
                    <td key={t} className={cls} data-ns={t} data-shared={shared ? 'true' : 'false'} data-changed={isChanged ? 'true' : undefined}
                      title={`${t}:[${inode ?? '?'}]${shared ? ' — the same as the host' : ''}`}>
                      <code>{inode ?? '—'}</code>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
