// ErrorNote.tsx - a server's expected failure ({ message, hint }) as a friendly, announced message.
'use client';
import type { Failure } from '../lib/protocol.ts';

export function ErrorNote({ error, title }: { error: Pick<Failure, 'message' | 'hint'>; title?: string }) {
  return (
    <div className="error-note" role="alert">
      {title && <strong>{title}: </strong>}
      <span>{error.message}</span>
      {error.hint && <p className="hint">{error.hint}</p>}
    </div>
  );
}
