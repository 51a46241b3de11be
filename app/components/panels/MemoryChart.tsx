// MemoryChart.tsx - a small SVG line of memory.current over time, with memory.max as a ceiling when there is one.
'use client';
import type { MemoryPoint } from '../../lib/usePanels.ts';
import { formatBytes } from './format.ts';

const W = 320;
const H = 80;

export function MemoryChart({ points, max }: { points: MemoryPoint[]; max: number | null }) {
  if (points.length < 2) return <div className="chart-empty">collecting samples…</div>;
  const peak = Math.max(...points.map((p) => p.memoryCurrent));
  // Scale to the limit only when use comes near it; otherwise a few MiB under 256 MiB would be a flat line.
  const nearMax = max !== null && peak > max * 0.5;
  const top = nearMax ? Math.max(max, peak) : peak * 1.25 || 1;
  const t0 = points[0].time;
  const span = Math.max(1, points[points.length - 1].time - t0);
  const x = (t: number) => ((t - t0) / span) * W;
  const y = (v: number) => H - (v / top) * (H - 4) - 2;
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(p.memoryCurrent).toFixed(1)}`).join(' ');
  const last = points[points.length - 1].memoryCurrent;
  return (
    <figure className="chart-figure">
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" preserveAspectRatio="none"
      aria-label={`memory use over the last ${Math.round(span / 1000)} seconds, now ${formatBytes(last)}${max !== null ? ` of ${formatBytes(max)}` : ''}`}>
      {max !== null && nearMax && <line x1="0" x2={W} y1={y(max)} y2={y(max)} className="chart-max" />}
      <path d={`${line} L${W},${H} L0,${H} Z`} className="chart-area" />
      <path d={line} className="chart-line" />
    </svg>
      <figcaption className="chart-caption">{nearMax ? 'memory.current; dashed: the limit' : `memory.current (scale: 0–${formatBytes(Math.round(top))}; the limit is far above)`}</figcaption>
    </figure>
  );
}
