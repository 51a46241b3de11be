// CgroupPanel.tsx - memory, pids and CPU of the container's cgroup, with the real file names and values (v1 or v2).
'use client';
import type { CgroupPanel as CgroupPanelData } from '../../lib/protocol.ts';
import type { MemoryPoint } from '../../lib/usePanels.ts';
import { MemoryChart } from './MemoryChart.tsx';
import { formatBytes, formatUsec } from './format.ts';
import { Waiting } from './Waiting.tsx';

function Meter({ label, value, max, format }: { label: string; value: number; max: number | null; format: (n: number | null) => string }) {
  const ratio = max ? Math.min(1, value / max) : 0;
  return (
    <div className="meter">
      <div className="meter-label"><span>{label}</span><span><code>{format(value)}</code> / <code>{format(max)}</code></span></div>
      {max !== null && (
        <div className="meter-bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value}>
          <div className={ratio > 0.9 ? 'meter-fill hot' : 'meter-fill'} style={{ width: `${(ratio * 100).toFixed(1)}%` }} />
        </div>
      )}
    </div>
  );
}

export function CgroupPanel({ data, history }: { data: CgroupPanelData | null; history: MemoryPoint[] }) {
  if (!data) return <Waiting what="the cgroup" />;
  const count = (n: number | null) => (n === null ? 'max' : String(n));
  return (
    <div className="cgroup">
      <p className="panel-line">
        cgroup <strong>v{data.version}</strong>{' '}
        {data.dirs.map((d) => <code key={d} className="path">{d}</code>)}
      </p>
      <Meter label="memory" value={data.memoryCurrent} max={data.memoryMax} format={formatBytes} />
      <MemoryChart points={history} max={data.memoryMax} />
      <dl className="facts">
        <div className={data.memoryEvents.oom ? 'alert' : ''}><dt>oom</dt><dd>{data.memoryEvents.oom}</dd></div>
        <div className={data.memoryEvents.oomKill ? 'alert' : ''}><dt>oom_kill</dt><dd>{data.memoryEvents.oomKill}</dd></div>
        <div><dt>CPU used</dt><dd>{formatUsec(data.cpuUsageUsec)}</dd></div>
        <div><dt>periods</dt><dd>{data.nrPeriods}</dd></div>
        <div className={data.nrThrottled ? 'warn' : ''}><dt>throttled</dt><dd>{data.nrThrottled} ({formatUsec(data.throttledUsec)})</dd></div>
      </dl>
      <Meter label="tasks (pids)" value={data.pidsCurrent} max={data.pidsMax} format={count} />
      <details className="files" open>
        <summary>The files, as <code>cat</code> shows them</summary>
        <table className="file-table">
          <tbody>
            {Object.entries(data.files).map(([name, value]) => (
              <tr key={name}><th scope="row"><code>{name}</code></th><td><pre>{value}</pre></td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
