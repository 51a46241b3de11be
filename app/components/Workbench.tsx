// Workbench.tsx - one container's terminals (tabs, up to the server's limit) and live panels, shared by the lesson page and the playground.
'use client';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { OpenedShell } from '../lib/earlyLesson.ts';
import { LIMITS } from '../lib/limits.ts';
import { on } from '../lib/socket.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import { Panels } from './panels/Panels.tsx';
import { Terminal, type TerminalHandle } from './Terminal.tsx';

/** The panels start watching when the terminal has shown its first screen, or after this long at the latest. */
const PANELS_AFTER_MS = 1_500;
const slotsKey = (containerId: string) => `glassbox.slots.${containerId}`;

interface Props {
  /** null while the container is being made: the terminal gets ready meanwhile. */
  containerId: string | null;
  /** Typing into the terminal shown (the lesson's Run buttons). */
  terminalRef?: RefObject<TerminalHandle | null>;
  /** The shell opened together with the container (lesson:open), for the first terminal. */
  initialShell?: OpenedShell;
  /** The first terminal has shown its first screen (or failed). */
  onSettled?: () => void;
}

/** The terminal slots this tab had open for the container (kept across reloads, like each slot's shell). */
function storedSlots(containerId: string | null): number[] {
  if (!containerId) return [0];
  try {
    const slots = JSON.parse(sessionStorage.getItem(slotsKey(containerId)) ?? '[0]') as unknown;
    if (Array.isArray(slots) && slots[0] === 0 && slots.every((s) => Number.isInteger(s) && s >= 0 && s < 64)) {
      return [...new Set(slots as number[])].slice(0, LIMITS.terminalsPerContainer);
    }
  } catch { /* unreadable: start over */ }
  return [0];
}

export function Workbench({ containerId, terminalRef, initialShell, onSettled }: Props) {
  const [gone, setGone] = useState<string | null>(null);
  // The learner waits for the prompt: the panels' first snapshots (five messages, five renders) come after it.
  const [live, setLive] = useState(false);
  const [slots, setSlots] = useState<number[]>([0]);
  const [active, setActive] = useState(0);
  const activeRef = useRef(0);
  activeRef.current = active;
  const handles = useRef(new Map<number, RefObject<TerminalHandle | null>>());
  const handleOf = (slot: number) => {
    let ref = handles.current.get(slot);
    if (!ref) handles.current.set(slot, (ref = { current: null }));
    return ref;
  };

  useEffect(() => {
    setGone(null);
    setLive(false);
    setSlots(storedSlots(containerId));
    setActive(0);
    const timer = setTimeout(() => setLive(true), PANELS_AFTER_MS);
    const off = on('container:gone', (msg) => { if (containerId && msg.containerId === containerId) setGone(msg.reason); });
    return () => { clearTimeout(timer); off(); };
  }, [containerId]);
  useEffect(() => {
    if (containerId) try { sessionStorage.setItem(slotsKey(containerId), JSON.stringify(slots)); } catch { /* storage disabled */ }
  }, [containerId, slots]);
  // The page's handle types into whichever terminal is shown.
  useEffect(() => {
    if (!terminalRef) return;
    terminalRef.current = {
      type: (text) => handleOf(activeRef.current).current?.type(text),
      focus: () => handleOf(activeRef.current).current?.focus(),
      close: () => {},
    };
    return () => { terminalRef.current = null; };
  }, [terminalRef]);
  const settled = useCallback(() => { setLive(true); onSettled?.(); }, [onSettled]);

  const add = () => {
    const free = [...Array(LIMITS.terminalsPerContainer).keys()].find((s) => !slots.includes(s));
    if (free === undefined) return;
    setSlots([...slots, free]);
    setActive(free);
  };
  const close = (slot: number) => {
    handleOf(slot).current?.close();
    handles.current.delete(slot);
    setSlots(slots.filter((s) => s !== slot));
    if (active === slot) setActive(0);
  };

  return (
    <div className="workbench">
      {gone && <ErrorNote title="The container is gone" error={{ message: gone, hint: 'reload the page to get a new one' }} />}
      <div className="terminal-tabs" role="tablist" aria-label="Terminals">
        {slots.map((slot, i) => (
          <span key={slot} className={slot === active ? 'terminal-tab active' : 'terminal-tab'}>
            <button type="button" role="tab" aria-selected={slot === active} onClick={() => setActive(slot)}>shell {i + 1}</button>
            {slot !== 0 && <button type="button" className="tab-close" aria-label={`Close shell ${i + 1}`} onClick={() => close(slot)}>×</button>}
          </span>
        ))}
        {slots.length < LIMITS.terminalsPerContainer && (
          <button type="button" className="terminal-tab-add" aria-label="Open another terminal in this container" disabled={!containerId} onClick={add}>+</button>
        )}
      </div>
      {slots.map((slot, i) => (
        <div key={slot} hidden={slot !== active} role="tabpanel" aria-label={`shell ${i + 1}`}>
          <ErrorBoundary label="The terminal">
            <Terminal containerId={containerId} slot={slot} title={`shell ${i + 1}`} handleRef={handleOf(slot)}
              initialShell={slot === 0 ? initialShell : undefined} onSettled={slot === 0 ? settled : undefined} />
          </ErrorBoundary>
        </div>
      ))}
      {containerId ? <Panels containerId={containerId} live={live} /> : null}
    </div>
  );
}
