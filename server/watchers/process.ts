// process.ts - the process panel: the container's process tree (host pid, pid inside, parent, command, uid, state), sampled while watched.
import type { Container } from '../engine/container.ts';
import type { ProcessNode, ProcessPanel } from '../../app/lib/protocol.ts';
import { containerPids, every, readArgs, readComm, readStatus } from './proc.ts';
import type { Emit, PanelWatch } from './index.ts';

export const PROCESS_SAMPLE_MS = 500;

/** The tree of the given host pids: a process whose parent is not among them is a root (the container's init, or an exec'd shell). */
export function processTree(pids: number[]): ProcessNode[] {
  const nodes = new Map<number, ProcessNode & { hostPpid: number }>();
  for (const hostPid of pids) {
    const st = readStatus(hostPid);
    if (!st) continue;
    nodes.set(hostPid, {
      hostPid, pid: st.nsPid[st.nsPid.length - 1], ppid: 0, hostPpid: st.ppid, comm: readComm(hostPid) || st.name,
      args: readArgs(hostPid), uid: st.uid, state: st.state, children: [],
    });
  }
  const roots: ProcessNode[] = [];
  for (const n of nodes.values()) {
    const parent = nodes.get(n.hostPpid);
    // the parent as the container numbers it (its innermost NSpid)
    if (parent) {
      n.ppid = parent.pid;
      parent.children.push(n);
    } else {
      roots.push(n);
    }
  }
  const strip = (n: ProcessNode & { hostPpid?: number }): ProcessNode => {
    const { hostPpid: _drop, ...rest } = n;
    return { ...rest, children: n.children.map(strip) };
  };
  return roots.map(strip);
}

export function watchProcess(container: Container, emit: Emit): PanelWatch {
  let lastJson = '';
  const sampler = every(PROCESS_SAMPLE_MS, () => {
    const tree = processTree(containerPids(container));
    const json = JSON.stringify(tree);
    if (json === lastJson) return;
    lastJson = json;
    const msg: ProcessPanel = { containerId: container.id, tree };
    emit('panel:process', msg);
  });
  return { dispose: () => sampler.stop() };
}
