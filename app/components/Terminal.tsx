// Terminal.tsx - xterm.js bound to one shell in a container: re-attach after reconnect, flow-control acks, fit, links, search.
'use client';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { Terminal as XTermClass, type Terminal as XTerm } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { SearchAddon } from '@xterm/addon-search';
import '@xterm/xterm/css/xterm.css';
import { LIMITS } from '../lib/limits.ts';
import type { Failure } from '../lib/protocol.ts';
import { call, on, onReady, send } from '../lib/socket.ts';
import { openHttpLink } from '../lib/links.ts';
import { terminalKey, type Buffered, type OpenedShell } from '../lib/earlyLesson.ts';
import { KeyBar, type KeyBarState } from './KeyBar.tsx';
import { ErrorNote } from './ErrorNote.tsx';


// xterm itself is a static import: its chunk is in the page's own script tags, fetched and compiled (off the main
// thread) from the first moment of a page load, not requested once the page's modules run. Links and search come
// after the first screen (loadExtras).
function loadExtras() {
  return Promise.all([import('@xterm/addon-web-links'), import('@xterm/addon-search')]);
}

export interface TerminalHandle {
  /** Types text into the shell as if the learner had typed it. */
  type(text: string): void;
  focus(): void;
  /** Ends this terminal's shell (terminal:close) and forgets it: for a terminal the learner closes for good. */
  close(): void;
}

interface Props {
  /** null while the container is being made: xterm is set up meanwhile, and the shell opened when it comes. */
  containerId: string | null;
  /** Several terminals per container: each slot keeps its own shell across reloads. */
  slot?: number;
  handleRef?: RefObject<TerminalHandle | null>;
  /** A shell already opened for this slot (with the lesson, in the same round trip): used instead of terminal:open once. */
  initialShell?: OpenedShell;
  /** Called once, when the first screen is written or the terminal has failed: the page then loads what can wait. */
  onSettled?: () => void;
  /** The toolbar's name for it (default "shell"). */
  title?: string;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

function toBytes(data: unknown): Uint8Array | string {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return data;
  return new Uint8Array(0);
}

export function Terminal({ containerId, slot = 0, handleRef, initialShell, onSettled, title = 'shell' }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const terminalIdRef = useRef<string | null>(null);
  /** What typing does: set by the shell effect (sends to the shell, or opens a new one after an exit). */
  const inputRef = useRef<(data: string) => void>(() => {});
  /** What close() does: set by the shell effect, which knows the container and the shell. */
  const closeRef = useRef<() => void>(() => {});
  const keyBar = useRef<KeyBarState>({ ctrl: false });
  const [xterm, setXterm] = useState<XTerm | null>(null);
  const [ctrl, setCtrl] = useState(false);
  const [error, setError] = useState<Failure | null>(null);
  const [query, setQuery] = useState('');
  const [showSearch, setShowSearch] = useState(false);
  const searchInput = useRef<HTMLInputElement>(null);
  const settledRef = useRef(onSettled);
  settledRef.current = onSettled;
  // The shell opened with the lesson is used once; a reconnect re-attaches by the stored id instead.
  const initialRef = useRef(initialShell);
  initialRef.current = initialShell;
  const usedShell = useRef<OpenedShell | undefined>(undefined);
  // Settled once, when the first screen has been drawn (or the terminal failed): the page then loads what can wait.
  const firstScreen = useRef<{ done: boolean; shown: Promise<void>; resolve: () => void } | null>(null);
  if (!firstScreen.current) {
    let resolve!: () => void;
    const shown = new Promise<void>((r) => { resolve = r; });
    firstScreen.current = { done: false, shown, resolve };
  }
  const settle = () => {
    const f = firstScreen.current!;
    if (f.done) return;
    f.done = true;
    f.resolve();
    settledRef.current?.();
  };

  // 1. xterm itself: made as soon as the component mounts (its container may still be on its way).
  useEffect(() => {
    let disposed = false;
    const cleanups: Array<() => void> = [];
    const start = () => {
      if (!hostRef.current) return;
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
      cleanups.push(() => term.dispose());
      termRef.current = term;
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(hostRef.current);
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
        inputRef.current(data);
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

      // What the first screen does not need comes after it: links, search, and (outside automation) the WebGL renderer.
      void firstScreen.current!.shown.then(async () => {
        const [{ WebLinksAddon }, { SearchAddon }] = await loadExtras();
        if (disposed) return;
        const search = new SearchAddon();
        searchRef.current = search;
        term.loadAddon(search);
        term.loadAddon(new WebLinksAddon((_event, uri) => openHttpLink(uri)));
        // Under automation (navigator.webdriver) keep the DOM renderer, so end-to-end tests can read the screen's rows.
        if (navigator.webdriver || !hostRef.current) return;
        try {
          const { WebglAddon } = await import('@xterm/addon-webgl');
          if (disposed) return;
          const webgl = new WebglAddon();
          webgl.onContextLoss(() => { webgl.dispose(); hostRef.current?.setAttribute('data-renderer', 'dom'); }); // back to the DOM renderer
          term.loadAddon(webgl);
          hostRef.current?.setAttribute('data-renderer', 'webgl');
        } catch {
          // No WebGL2 (no GPU, blocked): xterm keeps its DOM renderer.
        }
      }).catch(() => { /* the terminal works without them */ });

      if (handleRef) {
        handleRef.current = {
          type: (text) => { inputRef.current(text); term.focus(); },
          focus: () => term.focus(),
          close: () => closeRef.current(),
        };
      }
      setXterm(term);
    };
    try {
      start();
    } catch (err: unknown) {
      setError({ ok: false, message: `the terminal could not start: ${String(err)}` });
      settle();
    }

    return () => {
      disposed = true;
      if (handleRef) handleRef.current = null;
      for (const cleanup of cleanups.reverse()) cleanup();
      termRef.current = null;
      setXterm(null);
    };
    // settle only reads refs
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [handleRef]);

  // 2. The shell in the container: opened (or re-attached) once both xterm and the container are there, again after
  //    every reconnect, and a new one after the shell exits and a key is pressed.
  useEffect(() => {
    if (!xterm || !containerId) return;
    const term: XTerm = xterm;
    let disposed = false;
    let exited = false;
    let unacked = 0;
    const cleanups: Array<() => void> = [];

    // Flow control: acknowledge what xterm has actually rendered, in steps no larger than the low watermark.
    const write = (terminalId: string, data: unknown) => {
      const chunk = toBytes(data);
      term.write(chunk, () => {
        unacked += chunk.length;
        if (unacked >= LIMITS.ackEvery && terminalIdRef.current === terminalId) {
          send('terminal:ack', { terminalId, chars: unacked });
          unacked = 0;
        }
      });
    };
    const onExit = (code: number) => {
      exited = true;
      terminalIdRef.current = null;
      sessionStorage.removeItem(terminalKey(containerId, slot));
      term.write(`\r\n\x1b[2m[the shell exited with code ${code}; press any key for a new one]\x1b[0m\r\n`);
    };
    closeRef.current = () => {
      const id = terminalIdRef.current;
      terminalIdRef.current = null;
      sessionStorage.removeItem(terminalKey(containerId, slot));
      if (id) void call('terminal:close', { terminalId: id });
    };
    inputRef.current = (data: string) => {
      const id = terminalIdRef.current;
      if (exited) { exited = false; void open(true); return; }
      if (!id) return;
      for (let i = 0; i < data.length; i += LIMITS.inputBytes / 4) {
        send('terminal:input', { terminalId: id, data: data.slice(i, i + LIMITS.inputBytes / 4) });
      }
    };

    async function open(fresh = false): Promise<void> {
      if (disposed) return;
      const key = terminalKey(containerId!, slot);
      const stored = fresh ? null : sessionStorage.getItem(key);
      const size = { cols: clamp(term.cols, LIMITS.cols.min, LIMITS.cols.max), rows: clamp(term.rows, LIMITS.rows.min, LIMITS.rows.max) };
      const initial = initialRef.current !== usedShell.current ? initialRef.current : undefined;
      let reply;
      let early: Buffered | null = null;
      let asked = size;
      if (initial && !fresh) {
        // Opened with the lesson: no round trip. Its output so far is taken in this same tick, so none is lost or doubled.
        usedShell.current = initial;
        reply = initial.reply;
        early = initial.take();
        asked = initial.size;
      } else {
        reply = await call('terminal:open', { containerId: containerId!, ...(stored ? { terminalId: stored } : {}), ...size });
        if (!reply.ok && stored) {
          // The old shell is gone (grace period over, container replaced): start a new one.
          sessionStorage.removeItem(key);
          reply = await call('terminal:open', { containerId: containerId!, ...size });
        }
      }
      if (disposed) return;
      if (!reply.ok) { setError(reply); settle(); return; }
      setError(null);
      unacked = 0;
      const reattached = stored === reply.terminalId;
      terminalIdRef.current = reply.terminalId;
      sessionStorage.setItem(key, reply.terminalId);
      if (reattached || fresh) term.reset();
      else if (term.buffer.active.length > term.rows) term.write('\r\n\x1b[2m[a new shell]\x1b[0m\r\n');
      // The replay is the screen as it is now; it comes before any live output.
      if (reply.replay) term.write(reply.replay);
      for (const chunk of early?.chunks ?? []) write(reply.terminalId, chunk);
      if (early?.exit != null) onExit(early.exit);
      // Settled once xterm has drawn it (its next render after the write), not merely parsed it: what the page
      // loads next (the lesson text, the panels) must not delay that frame.
      term.write('', () => {
        const drawn = term.onRender(() => { drawn.dispose(); clearTimeout(fallback); settle(); });
        const fallback = setTimeout(() => { drawn.dispose(); settle(); }, 300);
      });
      // The page may have been re-fitted while the open was in flight (or the shell was opened at a guessed size).
      if (term.cols !== asked.cols || term.rows !== asked.rows) {
        send('terminal:resize', { terminalId: reply.terminalId, cols: clamp(term.cols, LIMITS.cols.min, LIMITS.cols.max), rows: clamp(term.rows, LIMITS.rows.min, LIMITS.rows.max) });
      }
    }

    cleanups.push(on('terminal:output', ({ terminalId, data }) => {
      if (terminalId === terminalIdRef.current) write(terminalId, data);
    }));
    cleanups.push(on('terminal:exit', ({ terminalId, code }) => {
      if (terminalId === terminalIdRef.current) onExit(code);
    }));
    // First open now, and again after every reconnect (the stored id re-attaches the same shell).
    cleanups.push(onReady(() => { void open(); }));
    return () => {
      disposed = true;
      for (const cleanup of cleanups.reverse()) cleanup();
      terminalIdRef.current = null;
      inputRef.current = () => {};
      closeRef.current = () => {};
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [xterm, containerId, slot]);

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
        <span className="terminal-title">{title}</span>
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
