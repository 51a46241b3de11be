// Mermaid.tsx - a ```mermaid fence drawn as a diagram; mermaid (large) is loaded only when a page has one.
'use client';
import { useEffect, useId, useState } from 'react';

const idle = () => new Promise<void>((resolve) => {
  if ('requestIdleCallback' in window) window.requestIdleCallback(() => resolve(), { timeout: 2_000 });
  else setTimeout(resolve, 200);
});

let loaded: Promise<typeof import('mermaid').default> | null = null;
function loadMermaid() {
  loaded ??= import('mermaid').then(({ default: mermaid }) => {
    // strict: no click handlers or HTML labels from lesson text (mermaid sanitizes the SVG).
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', fontFamily: 'inherit' });
    return mermaid;
  });
  return loaded;
}

export function Mermaid({ code }: { code: string }) {
  const id = 'mermaid-' + useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const [svg, setSvg] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    // mermaid is large (its code takes a while to evaluate): drawn when the page is idle, after the terminal and text.
    idle()
      .then(loadMermaid)
      .then((mermaid) => mermaid.render(id, code))
      .then(({ svg }) => { if (live) setSvg(svg); })
      .catch((err: unknown) => { if (live) setFailed(err instanceof Error ? err.message : String(err)); });
    return () => { live = false; };
  }, [id, code]);

  if (failed) {
    return (
      <figure className="diagram failed">
        <pre><code>{code}</code></pre>
        <figcaption>This diagram could not be drawn: {failed}</figcaption>
      </figure>
    );
  }
  if (!svg) return <figure className="diagram loading" aria-busy="true">drawing the diagram…</figure>;
  // The SVG comes from mermaid.render with securityLevel strict (DOMPurify-sanitized).
  return <figure className="diagram" dangerouslySetInnerHTML={{ __html: svg }} />;
}
