// usePanels.ts - watch:start on one container and fold the panel:* pushes into React state (re-watches after a reconnect).
'use client';
import { useEffect, useState } from 'react';
import { PANELS } from './limits.ts';
import type { CgroupPanel, Failure, NsPanel, OverlayEntry, OverlayPanel, ProcessPanel, SecurityPanel, SeccompDenial } from './protocol.ts';
import { call, on, onReady } from './socket.ts';

/** Bounded histories: a panel left open for hours must not grow the page's memory. */
const HISTORY_POINTS = 120;
const DENIALS_KEPT = 200;
const OVERLAY_ENTRIES_KEPT = 5_000;

export interface MemoryPoint { time: number; memoryCurrent: number }
export interface OverlayState { layers: OverlayPanel['layers']; upperDir: string; entries: Map<string, OverlayEntry>; fresh: Set<string> }
export interface PanelState {
  ns: NsPanel | null;
  cgroup: CgroupPanel | null;
  memoryHistory: MemoryPoint[];
  overlay: OverlayState | null;
  process: ProcessPanel | null;
  security: Omit<SecurityPanel, 'denials'> | null;
  denials: SeccompDenial[];
  error: Failure | null;
}

const empty: PanelState = { ns: null, cgroup: null, memoryHistory: [], overlay: null, process: null, security: null, denials: [], error: null };

function applyOverlay(prev: OverlayState | null, msg: OverlayPanel): OverlayState {
  const entries = msg.mode === 'full' || !prev ? new Map<string, OverlayEntry>() : new Map(prev.entries);
  const fresh = new Set<string>();
  for (const path of msg.removed) entries.delete(path);
  for (const entry of msg.entries) {
    if (entries.size >= OVERLAY_ENTRIES_KEPT && !entries.has(entry.path)) break;
    entries.set(entry.path, entry);
    if (msg.mode === 'delta') fresh.add(entry.path); // highlight what just changed
  }
  return { layers: msg.layers, upperDir: msg.upperDir, entries, fresh };
}

export function usePanels(containerId: string | null): PanelState {
  const [state, setState] = useState<PanelState>(empty);

  useEffect(() => {
    setState(empty);
    if (!containerId) return;
    const mine = (msg: { containerId: string }) => msg.containerId === containerId;
    const offs = [
      on('panel:ns', (msg) => { if (mine(msg)) setState((s) => ({ ...s, ns: msg })); }),
      on('panel:cgroup', (msg) => {
        if (!mine(msg)) return;
        setState((s) => ({
          ...s, cgroup: msg,
          memoryHistory: [...s.memoryHistory, { time: msg.time, memoryCurrent: msg.memoryCurrent }].slice(-HISTORY_POINTS),
        }));
      }),
      on('panel:overlay', (msg) => { if (mine(msg)) setState((s) => ({ ...s, overlay: applyOverlay(s.overlay, msg) })); }),
      on('panel:process', (msg) => { if (mine(msg)) setState((s) => ({ ...s, process: msg })); }),
      on('panel:security', (msg) => {
        if (!mine(msg)) return;
        const { denials, ...rest } = msg;
        setState((s) => ({ ...s, security: rest, denials: [...denials.slice().reverse(), ...s.denials].slice(0, DENIALS_KEPT) }));
      }),
      // After a reconnect the server forgot our watch: start it again (it first sends full snapshots).
      onReady(() => {
        void call('watch:start', { containerId, panels: [...PANELS] }).then((reply) => {
          setState((s) => ({ ...s, error: reply.ok ? null : reply }));
        });
      }),
    ];
    return () => {
      for (const off of offs) off();
      void call('watch:stop', { containerId }, 3_000);
    };
  }, [containerId]);

  return state;
}
