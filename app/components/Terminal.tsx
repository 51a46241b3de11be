// Terminal.tsx - xterm.js bound to one shell in a container: re-attach after reconnect, flow-control acks, fit, links, search.
'use client';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Terminal as XTerm } from '@xterm/xterm';
import type { SearchAddon } from '@xterm/addon-search';
import '@xterm/xterm/css/xterm.css';
import { LIMITS, type Failure } from '../lib/protocol.ts';
import { call, on, onReady, send } from '../lib/socket.ts';
import { openHttpLink } from '../lib/links.ts';
import { KeyBar, type KeyBarState } from './KeyBar.tsx';
import { ErrorNote } from './ErrorNote.tsx';


/** xterm's code is fetched as soon as this module loads (while the lesson and its container are still opening), not
 *  after: the prompt then appears as soon as the container answers. */
let xtermLoad: ReturnType<typeof fetchXterm> | null = null;
function fetchXterm() {
  return Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit'), import('@xterm/addon-web-links'), import('@xterm/addon-search')]);
}
function loadXterm() {
  return (xtermLoad ??= fetchXterm());
}
if (typeof window !== 'undefined') void loadXterm();

export interface TerminalHandle {
  /** Types text into the shell as if the learner had typed it. */
  type(text: string): void;
  focus(): void;
}

interface Props {
  containerId: string;
  /** Several terminals per container: each slot keeps its own shell across reloads. */
  slot?: number;
  handleRef?: RefObject<TerminalHandle | null>;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
const storageKey = (containerId: string, slot: number) => `glassbox.terminal.${containerId}.${slot}`;

function toBytes(data: unknown): Uint8Array | string {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return data;
  return new Uint8Array(0);
}

export function Terminal({ containerId, slot = 0, handleRef }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const terminalIdRef = useRef<string | null>(null);
  const keyBar = useRef<KeyBarState>({ ctrl: false });
  const [ctrl, setCtrl] = useState(false);
  const [error, setError] = useState<Failure | null>(null);
  const [query, setQuery] = useState('');
  const [showSearch, setShowSearch] = useState(false);
  const searchInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let disposed = false;
    const cleanups: Array<() => void> = [];
    let exited = false;
    let unacked = 0;

    const input = (data: string) => {
      const id = terminalIdRef.current;
      if (exited) { exited = false; void open(true); return; }
      if (!id) return;
      for (let i = 0; i < data.length; i += LIMITS.inputBytes / 4) {
        send('terminal:input', { terminalId: id, data: data.slice(i, i + LIMITS.inputBytes / 4) });
      }
    };

    async function open(fresh = false): Promise<void> {
      const term = termRef.current;
      if (!term || disposed) return;
      const key = storageKey(containerId, slot);
      const stored = fresh ? null : sessionStorage.getItem(key);
      const size = { cols: clamp(term.cols, LIMITS.cols.min, LIMITS.cols.max), rows: clamp(term.rows, LIMITS.rows.min, LIMITS.rows.max) };
      let reply = await call('terminal:open', { containerId, ...(stored ? { terminalId: stored } : {}), ...size });
      if (!reply.ok && stored) {
        // The old shell is gone (grace period over, container replaced): start a new one.
        sessionStorage.removeItem(key);
        reply = await call('terminal:open', { containerId, ...size });
      }
      if (disposed) return;
      if (!reply.ok) { setError(reply); return; }
      setError(null);
      unacked = 0;
      const reattached = stored === reply.terminalId;
      terminalIdRef.current = reply.terminalId;
      sessionStorage.setItem(key, reply.terminalId);
      if (reattached || fresh) term.reset();
      else if (term.buffer.active.length > term.rows) term.write('\r\n\x1b[2m[a new shell]\x1b[0m\r\n');
      // The replay is the screen as it is now; it comes before any live output.
      if (reply.replay) term.write(reply.replay);
      // The page may have been re-fitted while the open was in flight.
      if (term.cols !== size.cols || term.rows !== size.rows) {
        send('terminal:resize', { terminalId: reply.terminalId, cols: clamp(term.cols, LIMITS.cols.min, LIMITS.cols.max), rows: clamp(term.rows, LIMITS.rows.min, LIMITS.rows.max) });
      }
    }

    (async () => {
      const [{ Terminal: XTermClass }, { FitAddon }, { WebLinksAddon }, { SearchAddon }] = await loadXterm();
      if (disposed || !hostRef.current) return;
      const term = new XTermClass({
        cursorBlink: true,
        fontFamily: '"DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace',
        fontSize: 14,
        scrollback: 5_000,
        rightClickSelectsWord: true, // right-click a word, then the browser's menu offers Copy (and Paste)
        allowProposedApi: true, // the search addon's match decorations
        // OSC 8 hyperlinks: only http(s), opened without access to this page.
        linkHandler: { activate: (_event, uri) => openHttpLink(uri), allowNonHttpProtocols: false },
        theme: { background: '#0f1419', foreground: '#d8dee9', cursor: '#ffcc66', selectionBackground: '#3b4b63' },
      });
      termRef.current = term;
      const fit = new FitAddon();
      const search = new SearchAddon();
      searchRef.current = search;
      term.loadAddon(fit);
      term.loadAddon(search);
      term.loadAddon(new WebLinksAddon((_event, uri) => openHttpLink(uri)));
      term.open(hostRef.current);
      // Under automation (navigator.webdriver) keep the DOM renderer, so end-to-end tests can read the screen's rows.
      if (!navigator.webdriver) {
        try {
          const { WebglAddon } = await import('@xterm/addon-webgl');
          const webgl = new WebglAddon();
          webgl.onContextLoss(() => { webgl.dispose(); hostRef.current?.setAttribute('data-renderer', 'dom'); }); // back to the DOM renderer
          term.loadAddon(webgl);
          hostRef.current.setAttribute('data-renderer', 'webgl');
        } catch {
          // No WebGL2 (no GPU, blocked): xterm keeps its DOM renderer.
        }
      }
      try { fit.fit(); } catch { /* not laid out yet */ }

      // Ctrl+Shift+C copies the selection, Ctrl+Shift+V lets the browser paste; Ctrl+Shift+F searches.
      term.attachCustomKeyEventHandler((ev) => {
        if (ev.type !== 'keydown' || !ev.ctrlKey || !ev.shiftKey) return true;
        if (ev.code === 'KeyC') { if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection()); return false; }
        if (ev.code === 'KeyV') return false;
        if (ev.code === 'KeyF') { setShowSearch(true); setTimeout(() => searchInput.current?.focus(), 0); return false; }
        return true;
      });
      cleanups.push(term.onData((data) => {
        // The touch key bar's sticky Ctrl turns the next letter into its control character.
        if (keyBar.current.ctrl && data.length === 1 && /[a-z@\[\\\]^_ ]/i.test(data)) {
          data = String.fromCharCode(data.toUpperCase().charCodeAt(0) & 0x1f);
          keyBar.current.ctrl = false;
          setCtrl(false);
        }
        input(data);
      }).dispose);
      cleanups.push(term.onResize(({ cols, rows }) => {
        const id = terminalIdRef.current;
        if (id) send('terminal:resize', { terminalId: id, cols: clamp(cols, LIMITS.cols.min, LIMITS.cols.max), rows: clamp(rows, LIMITS.rows.min, LIMITS.rows.max) });
      }).dispose);

      let frame = 0;
      const observer = new ResizeObserver(() => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => { try { fit.fit(); } catch { /* hidden */ } });
      });
      observer.observe(hostRef.current);
      cleanups.push(() => { observer.disconnect(); cancelAnimationFrame(frame); });

      cleanups.push(on('terminal:output', ({ terminalId, data }) => {
        if (terminalId !== terminalIdRef.current) return;
        const chunk = toBytes(data);
        // Flow control: acknowledge what xterm has actually rendered, in steps no larger than the low watermark.
        term.write(chunk, () => {
          unacked += chunk.length;
          if (unacked >= LIMITS.ackEvery && terminalIdRef.current === terminalId) {
            send('terminal:ack', { terminalId, chars: unacked });
            unacked = 0;
          }
        });
      }));
      cleanups.push(on('terminal:exit', ({ terminalId, code }) => {
        if (terminalId !== terminalIdRef.current) return;
        exited = true;
        terminalIdRef.current = null;
        sessionStorage.removeItem(storageKey(containerId, slot));
        term.write(`\r\n\x1b[2m[the shell exited with code ${code}; press any key for a new one]\x1b[0m\r\n`);
      }));
      // First open now, and again after every reconnect (the stored id re-attaches the same shell).
      cleanups.push(onReady(() => { void open(); }));

      if (handleRef) {
        handleRef.current = {
          type: (text) => { input(text); term.focus(); },
          focus: () => term.focus(),
        };
      }
      cleanups.push(() => term.dispose());
    })().catch((err: unknown) => setError({ ok: false, message: `the terminal could not start: ${String(err)}` }));

    return () => {
      disposed = true;
      if (handleRef) handleRef.current = null;
      for (const cleanup of cleanups.reverse()) cleanup();
      termRef.current = null;
      terminalIdRef.current = null;
    };
  }, [containerId, slot, handleRef]);

  const findNext = (backwards = false) => {
    const search = searchRef.current;
    if (!search || !query) return;
    const options = { decorations: { matchOverviewRuler: '#888', activeMatchColorOverviewRuler: '#ffcc66', activeMatchBackground: '#805b00' } };
    if (backwards) search.findPrevious(query, options);
    else search.findNext(query, options);
  };

  return (
    <div className="terminal-wrap">
      <div className="terminal-toolbar">
        <span className="terminal-title">shell</span>
        {showSearch ? (
          <form className="terminal-search" role="search" onSubmit={(e) => { e.preventDefault(); findNext(); }}>
            <input ref={searchInput} aria-label="Search the terminal" placeholder="search…" value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => { if (e.key === 'Escape') { setShowSearch(false); searchRef.current?.clearDecorations(); termRef.current?.focus(); } }} />
            <button type="button" onClick={() => findNext(true)} aria-label="Previous match">↑</button>
            <button type="submit" aria-label="Next match">↓</button>
          </form>
        ) : (
          <button type="button" className="link-button" onClick={() => { setShowSearch(true); setTimeout(() => searchInput.current?.focus(), 0); }}>Search</button>
        )}
      </div>
      {error && <ErrorNote error={error} />}
      <div className="terminal" data-testid="terminal" data-renderer="dom" ref={hostRef} onClick={() => termRef.current?.focus()} />
      <KeyBar ctrl={ctrl}
        onCtrl={() => { keyBar.current.ctrl = !keyBar.current.ctrl; setCtrl(keyBar.current.ctrl); termRef.current?.focus(); }}
        onKey={(seq) => {
          const term = termRef.current;
          if (!term) return;
          // Arrows follow the application cursor mode (vi, less) as a real keyboard would.
          const app = term.modes.applicationCursorKeysMode;
          const data = seq.startsWith('\x1b[') && app ? '\x1bO' + seq.slice(2) : seq;
          term.input(data, true);
          term.focus();
        }} />
    </div>
  );
}
