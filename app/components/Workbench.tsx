// Workbench.tsx - one container's terminal and live panels, shared by the lesson page and the playground.
'use client';
import { useCallback, useEffect, useState, type RefObject } from 'react';
import type { OpenedShell } from '../lib/earlyLesson.ts';
import { on } from '../lib/socket.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import { Panels } from './panels/Panels.tsx';
import { Terminal, type TerminalHandle } from './Terminal.tsx';

/** The panels start watching when the terminal has shown its first screen, or after this long at the latest. */
const PANELS_AFTER_MS = 1_500;

interface Props {
  /** null while the container is being made: the terminal gets ready meanwhile. */
  containerId: string | null;
  terminalRef?: RefObject<TerminalHandle | null>;
  /** The shell opened together with the container (lesson:open), for the first terminal. */
  initialShell?: OpenedShell;
  /** The terminal has shown its first screen (or failed). */
  onSettled?: () => void;
}

export function Workbench({ containerId, terminalRef, initialShell, onSettled }: Props) {
  const [gone, setGone] = useState<string | null>(null);
  // The learner waits for the prompt: the panels' first snapshots (five messages, five renders) come after it.
  const [live, setLive] = useState(false);
  useEffect(() => {
    setGone(null);
    setLive(false);
    const timer = setTimeout(() => setLive(true), PANELS_AFTER_MS);
    const off = on('container:gone', (msg) => { if (containerId && msg.containerId === containerId) setGone(msg.reason); });
    return () => { clearTimeout(timer); off(); };
  }, [containerId]);
  const settled = useCallback(() => { setLive(true); onSettled?.(); }, [onSettled]);

  return (
    <div className="workbench">
      {gone && <ErrorNote title="The container is gone" error={{ message: gone, hint: 'reload the page to get a new one' }} />}
      <ErrorBoundary label="The terminal">
        <Terminal containerId={containerId} handleRef={terminalRef} initialShell={initialShell} onSettled={settled} />
      </ErrorBoundary>
      {containerId ? <Panels containerId={containerId} live={live} /> : null}
    </div>
  );
}
