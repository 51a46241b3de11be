// Workbench.tsx - one container's terminal and live panels, shared by the lesson page and the playground.
'use client';
import { useEffect, useState, type RefObject } from 'react';
import { on } from '../lib/socket.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { ErrorNote } from './ErrorNote.tsx';
import { Panels } from './panels/Panels.tsx';
import { Terminal, type TerminalHandle } from './Terminal.tsx';

export function Workbench({ containerId, terminalRef }: { containerId: string; terminalRef?: RefObject<TerminalHandle | null> }) {
  const [gone, setGone] = useState<string | null>(null);
  useEffect(() => {
    setGone(null);
    return on('container:gone', (msg) => { if (msg.containerId === containerId) setGone(msg.reason); });
  }, [containerId]);

  return (
    <div className="workbench">
      {gone && <ErrorNote title="The container is gone" error={{ message: gone, hint: 'reload the page to get a new one' }} />}
      <ErrorBoundary label="The terminal"><Terminal containerId={containerId} handleRef={terminalRef} /></ErrorBoundary>
      <Panels containerId={containerId} />
    </div>
  );
}
