// error.tsx - the route's error boundary: a bug in a page shows a way back, never a stack trace.
'use client';
import { useEffect } from 'react';

export default function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => { console.error(error); }, [error]);
  return (
    <div className="page narrow">
      <div className="error-note" role="alert">
        <strong>Something in this page broke.</strong>
        <p className="hint">It is a bug in Glassbox, not in your work; your container and progress are safe. {error.message}</p>
        <button type="button" onClick={reset}>Try again</button>
      </div>
    </div>
  );
}
