// OverlayPanel.tsx - the image layers and a live tree of the overlay upper dir: new, copied-up, whiteout, opaque.
'use client';
import type { OverlayEntry } from '../../lib/protocol.ts';
import type { OverlayState } from '../../lib/usePanels.ts';
import { formatBytes } from './format.ts';
import { Waiting } from './Waiting.tsx';

const KIND_TEXT: Record<OverlayEntry['kind'], string> = {
  new: 'new',
  'copied-up': 'copied up',
  whiteout: 'whiteout (deleted)',
  opaque: 'opaque dir',
};

const shortDigest = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

export function OverlayPanel({ data }: { data: OverlayState | null }) {
  if (!data) return <Waiting what="the overlay" />;
  const entries = [...data.entries.values()].sort((a, b) => a.path.localeCompare(b.path));
  return (
    <div>
      <ol className="layers" aria-label="Layers, lowest first">
        {data.layers.map((l, i) => (
          <li key={l.digest + i} title={l.digest}><span className="layer-tag">lower {i}</span> <code>{shortDigest(l.digest)}</code></li>
        ))}
        <li className="upper"><span className="layer-tag">upper</span> <code className="path">{data.upperDir}</code></li>
      </ol>
      <p className="legend">
        {(Object.keys(KIND_TEXT) as OverlayEntry['kind'][]).map((k) => <span key={k} className={`kind kind-${k}`}>{KIND_TEXT[k]}</span>)}
      </p>
      {entries.length === 0 ? (
        <p className="waiting">The upper dir is empty: nothing has been written yet. Try <code>touch /etc/x</code>.</p>
      ) : (
        <ul className="tree" aria-label="Upper dir">
          {entries.map((e) => {
            const parts = e.path.split('/').filter(Boolean);
            // Under a listed parent: indent and show the name; otherwise (a whiteout in an untouched dir) the full path.
            const nested = parts.length > 1 && data.entries.has(parts.slice(0, -1).join('/'));
            const depth = nested ? parts.length - 1 : 0;
            const name = nested ? parts[parts.length - 1] : parts.join('/');
            return (
              <li key={e.path} data-kind={e.kind} data-path={e.path} className={`kind-${e.kind}${data.fresh.has(e.path) ? ' fresh' : ''}`}
                style={{ paddingInlineStart: `${depth * 1.1 + 0.3}rem` }} title={`${e.path} — ${KIND_TEXT[e.kind]}`}>
                <code>{name}{e.type === 'dir' ? '/' : e.type === 'symlink' ? ' →' : ''}</code>
                <span className="kind-label">{KIND_TEXT[e.kind]}</span>
                {e.type === 'file' && <span className="size">{formatBytes(e.size)}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
