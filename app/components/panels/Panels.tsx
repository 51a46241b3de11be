// Panels.tsx - the five live views of one container, side by side: what the kernel does to it as the learner types.
'use client';
import type { ReactNode } from 'react';
import { usePanels } from '../../lib/usePanels.ts';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { ErrorNote } from '../ErrorNote.tsx';
import { CgroupPanel } from './CgroupPanel.tsx';
import { NsPanel } from './NsPanel.tsx';
import { OverlayPanel } from './OverlayPanel.tsx';
import { ProcessPanel } from './ProcessPanel.tsx';
import { SecurityPanel } from './SecurityPanel.tsx';

function Panel({ id, title, source, wide, children }: { id: string; title: string; source: string; wide?: boolean; children: ReactNode }) {
  return (
    <section className={wide ? 'panel wide' : 'panel'} data-testid={`${id}-panel`} aria-labelledby={`${id}-panel-title`}>
      <details open>
        <summary><h3 id={`${id}-panel-title`}>{title}</h3> <span className="source">{source}</span></summary>
        <div className="panel-body"><ErrorBoundary label={`The ${title} panel`}>{children}</ErrorBoundary></div>
      </details>
    </section>
  );
}

/** `live` false: the panels are drawn but not yet watched (the page holds them back until its terminal shows). */
export function Panels({ containerId, live = true }: { containerId: string; live?: boolean }) {
  const s = usePanels(live ? containerId : null);
  return (
    <div className="panels">
      {s.error && <ErrorNote error={s.error} title="Live views" />}
      <Panel id="ns" title="Namespaces" source="/proc/PID/ns/*" wide><NsPanel data={s.ns} /></Panel>
      <Panel id="overlay" title="Overlay filesystem" source="upper dir, inotify" wide><OverlayPanel data={s.overlay} /></Panel>
      <Panel id="cgroup" title="cgroup" source="memory · pids · cpu"><CgroupPanel data={s.cgroup} history={s.memoryHistory} /></Panel>
      <Panel id="security" title="Security" source="/proc/PID/status"><SecurityPanel data={s.security} denials={s.denials} /></Panel>
      <Panel id="process" title="Processes" source="/proc/PID/stat"><ProcessPanel data={s.process} /></Panel>
    </div>
  );
}
