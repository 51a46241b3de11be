// ConnectionBadge.tsx - whether the page is talking to the Glassbox server right now.
'use client';
import { useConnection } from '../lib/hooks.ts';

const TEXT = { connecting: 'connecting…', ready: 'connected', offline: 'offline — reconnecting', refused: 'refused' } as const;

export function ConnectionBadge() {
  const { state, detail } = useConnection();
  return (
    <span className={`conn conn-${state}`} role="status" title={detail ? `${detail.message}${detail.hint ? ` — ${detail.hint}` : ''}` : undefined}>
      <span className="dot" aria-hidden="true" /> <span className="conn-text">{TEXT[state]}</span>
    </span>
  );
}
