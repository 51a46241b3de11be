// Playground.tsx - edit a config.json (by hand or with the form), create a container from it, and watch its kernel state.
'use client';
import { useEffect, useMemo, useState } from 'react';
import type { Failure } from '../lib/protocol.ts';
import { LIMITS } from '../lib/limits.ts';
import { call } from '../lib/socket.ts';
import {
  DEFAULT_CAPS, EXTRA_CAPS, NAMESPACES, parseJson, pretty, readForm, setHostname, setLimit, setSeccomp, starterText, toggleCap, toggleNamespace,
  type NamespaceType, type SeccompChoice,
} from '../lib/playgroundConfig.ts';
import { ErrorNote } from './ErrorNote.tsx';
import { Workbench } from './Workbench.tsx';

const STORED = 'glassbox.playground';
type Created = { containerId: string; effective: string };

export function Playground() {
  const [text, setText] = useState(starterText);
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  // A reload keeps the playground's container (and the terminal re-attaches to its shell).
  useEffect(() => {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORED) ?? 'null') as { text: string; created: Created | null } | null;
      if (saved?.text) setText(saved.text);
      if (saved?.created) setCreated(saved.created);
    } catch { /* nothing saved */ }
  }, []);
  useEffect(() => { sessionStorage.setItem(STORED, JSON.stringify({ text, created })); }, [text, created]);

  const parsed = useMemo(() => parseJson(text), [text]);
  const form = parsed.ok ? readForm(parsed.value) : null;
  const edit = (change: (c: Record<string, unknown>) => void) => {
    if (!parsed.ok) return;
    const copy = structuredClone(parsed.value);
    change(copy);
    setText(pretty(copy));
  };

  const create = async () => {
    setError(null);
    if (!parsed.ok) { setError({ ok: false, message: parsed.message }); return; }
    if (new TextEncoder().encode(text).length > LIMITS.configBytes) { setError({ ok: false, message: `config.json is larger than ${LIMITS.configBytes / 1024} KiB` }); return; }
    setBusy(true);
    try {
      if (created) await call('playground:delete', { containerId: created.containerId });
      setCreated(null);
      const reply = await call('playground:create', { config: text }, 30_000);
      if (reply.ok) setCreated({ containerId: reply.containerId, effective: reply.config });
      else setError(reply);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!created) return;
    setBusy(true);
    const reply = await call('playground:delete', { containerId: created.containerId });
    setBusy(false);
    if (!reply.ok) setError(reply);
    setCreated(null);
  };

  const number = (v: string): number | null => (v.trim() === '' ? null : Math.max(0, Math.floor(Number(v))));

  return (
    <div className="lesson-layout">
      <section className="lesson-text-column playground" aria-labelledby="pg-title">
        <h1 id="pg-title">Playground</h1>
        <p className="summary">
          A partial OCI <code>config.json</code>, merged over Glassbox&apos;s secure defaults. Change a field, create the container,
          and see what the kernel does differently.
        </p>
        {form ? (
          <form className="config-form" onSubmit={(e) => { e.preventDefault(); void create(); }}>
            <label>hostname <input value={form.hostname} onChange={(e) => edit((c) => setHostname(c, e.target.value))} /></label>
            <fieldset>
              <legend>Namespaces (<code>linux.namespaces</code>)</legend>
              {NAMESPACES.map((t) => (
                <label key={t} className="check"><input type="checkbox" checked={form.namespaces.has(t)}
                  onChange={(e) => edit((c) => toggleNamespace(c, t as NamespaceType, e.target.checked))} /> {t}</label>
              ))}
            </fieldset>
            <fieldset>
              <legend>Limits (<code>linux.resources</code>; empty = none)</legend>
              <label>memory MiB <input type="number" min={1} value={form.memoryMiB} onChange={(e) => edit((c) => setLimit(c, 'memoryMiB', number(e.target.value)))} /></label>
              <label>pids <input type="number" min={1} value={form.pids} onChange={(e) => edit((c) => setLimit(c, 'pids', number(e.target.value)))} /></label>
              <label>CPU % <input type="number" min={1} max={400} value={form.cpuPercent} onChange={(e) => edit((c) => setLimit(c, 'cpuPercent', number(e.target.value)))} /></label>
            </fieldset>
            <fieldset>
              <legend>Seccomp</legend>
              {(['default', 'strict'] as SeccompChoice[]).map((s) => (
                <label key={s} className="check"><input type="radio" name="seccomp" value={s} checked={form.seccomp === s}
                  onChange={() => edit((c) => setSeccomp(c, s))} /> {s}</label>
              ))}
            </fieldset>
            <fieldset>
              <legend>Capabilities (<code>process.capabilities</code>)</legend>
              <div className="cap-grid">
                {[...DEFAULT_CAPS, ...EXTRA_CAPS].map((cap) => (
                  <label key={cap} className={`check${EXTRA_CAPS.includes(cap) ? ' extra' : ''}`}><input type="checkbox" checked={form.caps.has(cap)}
                    onChange={(e) => edit((c) => toggleCap(c, cap, e.target.checked))} /> {cap.replace(/^CAP_/, '')}</label>
                ))}
              </div>
            </fieldset>
          </form>
        ) : (
          <ErrorNote error={{ message: parsed.ok ? '' : parsed.message, hint: 'fix the JSON to use the form again' }} />
        )}
        <label className="config-label" htmlFor="config-json">config.json</label>
        <textarea id="config-json" className="config-json" spellCheck={false} value={text} rows={24}
          onChange={(e) => setText(e.target.value)} aria-describedby="config-help" />
        <p id="config-help" className="muted">Objects merge into the defaults, arrays replace them, <code>null</code> removes a default.</p>
        <div className="actions">
          <button type="button" className="primary" disabled={busy} onClick={() => void create()}>{created ? 'Re-create container' : 'Create container'}</button>
          <button type="button" disabled={busy} onClick={() => setText(starterText())}>Reset config</button>
          {created && <button type="button" disabled={busy} onClick={() => void remove()}>Delete container</button>}
        </div>
        {busy && <p className="waiting" aria-live="polite">Working…</p>}
        {error && <ErrorNote title="The container was not created" error={error} />}
        {created && (
          <details className="effective">
            <summary>The effective config.json of <code>{created.containerId}</code></summary>
            <pre>{created.effective}</pre>
          </details>
        )}
      </section>
      <section className="lesson-lab-column" aria-label="Your playground container">
        {created ? <Workbench key={created.containerId} containerId={created.containerId} /> : (
          <div className="empty-lab"><p>Create a container to get a shell and its live views here.</p></div>
        )}
      </section>
    </div>
  );
}
