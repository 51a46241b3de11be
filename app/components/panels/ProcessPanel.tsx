// ProcessPanel.tsx - the container's process tree: PID inside, host PID, user, state and command line.
'use client';
import type { ProcessNode, ProcessPanel as ProcessPanelData } from '../../lib/protocol.ts';
import { Waiting } from './Waiting.tsx';

function Node({ node }: { node: ProcessNode }) {
  return (
    <li>
      <span className="proc">
        <code className="pid" title={`PID ${node.pid} inside, ${node.hostPid} on the host`}>{node.pid}</code>
        <span className="host-pid">host {node.hostPid}</span>
        <span className="uid">uid {node.uid}</span>
        <span className="state" title="state (R running, S sleeping, Z zombie…)">{node.state}</span>
        <code className="args">{node.args || `[${node.comm}]`}</code>
      </span>
      {node.children.length > 0 && <ul>{node.children.map((c) => <Node key={c.hostPid} node={c} />)}</ul>}
    </li>
  );
}

export function ProcessPanel({ data }: { data: ProcessPanelData | null }) {
  if (!data) return <Waiting what="the processes" />;
  return <ul className="proc-tree" aria-label="Process tree">{data.tree.map((n) => <Node key={n.hostPid} node={n} />)}</ul>;
}
