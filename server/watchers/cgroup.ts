// cgroup.ts - the cgroup panel: the container's cgroup files (v1 or v2, real names), sampled while watched; an OOM pushed at once on v2.
import fs from 'node:fs';
import path from 'node:path';
import type { Container } from '../engine/container.ts';
import type { CgroupPanel } from '../../app/lib/protocol.ts';
import { every } from './proc.ts';
import type { Emit, PanelWatch } from './index.ts';

export const CGROUP_SAMPLE_MS = 500;
/** An inotify burst (memory.events changes at every limit hit under pressure) samples at most 10 times a second. */
const PUSH_MIN_GAP_MS = 100;

export function watchCgroup(container: Container, emit: Emit): PanelWatch {
  let lastSample = 0;
  let lastPush = 0;
  let pushTimer: NodeJS.Timeout | null = null;
  let disposed = false;
  const sample = () => {
    if (disposed) return;
    lastSample = Date.now();
    const s = container.cgroupStats();
    if (!s) return;
    const msg: CgroupPanel = {
      containerId: container.id, version: s.version, dirs: [...container.state.cgroup.dirs],
      memoryCurrent: s.memoryCurrent, memoryMax: s.memoryMax, memoryEvents: { oom: s.memoryEvents.oom, oomKill: s.memoryEvents.oomKill },
      pidsCurrent: s.pidsCurrent, pidsMax: s.pidsMax, cpuUsageUsec: s.cpuUsageUsec,
      nrPeriods: s.nrPeriods, nrThrottled: s.nrThrottled, throttledUsec: s.throttledUsec,
      files: s.files, time: lastSample,
    };
    emit('panel:cgroup', msg);
  };
  const sampler = every(CGROUP_SAMPLE_MS, sample);

  // cgroup v2 notifies a change of memory.events and cgroup.events as a modification of the file (inotify:
  // Documentation/admin-guide/cgroup-v2.rst "file modified events"). v1's memory.oom_control is sampled above.
  const watchers: fs.FSWatcher[] = [];
  if (container.state.cgroup.version === 2) {
    const push = () => {
      if (disposed || pushTimer) return;
      pushTimer = setTimeout(() => { pushTimer = null; lastPush = Date.now(); sample(); }, Math.max(0, PUSH_MIN_GAP_MS - (Date.now() - lastPush)));
    };
    for (const dir of container.state.cgroup.dirs) {
      for (const name of ['memory.events', 'cgroup.events']) {
        try {
          const w = fs.watch(path.join(dir, name), { persistent: false }, push);
          w.on('error', () => w.close()); // the cgroup was removed
          watchers.push(w);
        } catch { /* controller not enabled here: the sampling still shows what exists */ }
      }
    }
  }
  return {
    dispose() {
      disposed = true;
      sampler.stop();
      if (pushTimer) clearTimeout(pushTimer);
      for (const w of watchers) w.close();
    },
  };
}
