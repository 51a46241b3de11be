// index.ts - the live views of one container: starts the panels a browser watches, each emitting small typed updates, until dispose().
import type { Container } from '../engine/container.ts';
import type { PanelName, ServerEvents } from '../../app/lib/protocol.ts';
import { watchCgroup } from './cgroup.ts';
import { watchNs } from './ns.ts';
import { watchOverlay } from './overlay.ts';
import { watchProcess } from './process.ts';
import { watchSecurity } from './security.ts';

export type Emit = <E extends keyof ServerEvents>(event: E, msg: Parameters<ServerEvents[E]>[0]) => void;
export interface PanelWatch { dispose(): void }

const starters: Record<PanelName, (container: Container, emit: Emit) => PanelWatch> = {
  ns: watchNs,
  cgroup: watchCgroup,
  overlay: watchOverlay,
  process: watchProcess,
  security: watchSecurity,
};

/**
 * Start the given panels for a container: each first emits a full snapshot, then updates — within 100 ms where the
 * kernel notifies (inotify on the upper dir and on cgroup v2 event files, the audit feed of seccomp denials), otherwise
 * sampled at most 4 times a second. Nothing runs after dispose(); a panel named twice starts once.
 */
export function watchPanels(container: Container, panels: PanelName[], emit: Emit): PanelWatch {
  const running: PanelWatch[] = [];
  let disposed = false;
  // a browser that went away must not break the server: a throwing emit stops nothing else
  const safeEmit: Emit = (event, msg) => {
    if (disposed) return;
    try {
      emit(event, msg);
    } catch { /* the socket's problem, not the kernel's */ }
  };
  const dispose = () => {
    disposed = true;
    for (const w of running.splice(0)) {
      try { w.dispose(); } catch { /* keep disposing the others */ }
    }
  };
  try {
    for (const name of new Set(panels)) {
      const start = Object.hasOwn(starters, name) ? starters[name] : undefined;
      if (start) running.push(start(container, safeEmit));
    }
  } catch (e) {
    dispose();
    throw e;
  }
  return { dispose };
}
