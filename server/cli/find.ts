// find.ts - containers by id, unique id prefix or name, from the state directory (any process may own them).
import { UserError } from '../engine/errors.ts';
import { isAlive, listStateDirs, readState, type ContainerState } from '../engine/state.ts';

export function allContainers(): ContainerState[] {
  return listStateDirs().map((d) => readState(d)).filter((s): s is ContainerState => !!s);
}

export function findContainer(ref: string): ContainerState {
  const all = allContainers();
  const exact = all.find((s) => s.id === ref || s.name === ref);
  if (exact) return exact;
  const byPrefix = all.filter((s) => ref.length >= 3 && s.id.startsWith(ref));
  if (byPrefix.length === 1) return byPrefix[0];
  if (byPrefix.length > 1) throw new UserError(`"${ref}" matches ${byPrefix.length} containers: ${byPrefix.map((s) => s.id).join(', ')}`);
  throw new UserError(`no container "${ref}"`, 'glassbox ps lists them');
}

/** running, created, stopped (code), or gone when its init vanished without a recorded exit. */
export function liveStatus(s: ContainerState): string {
  if (s.status === 'stopped') return s.exit ? `exited (${s.exit.code}${s.exit.oomKilled ? ', OOM' : ''})` : 'stopped';
  if (!isAlive(s.pid, s.pidStartTime)) return 'gone';
  return s.status;
}

