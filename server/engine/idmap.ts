// idmap.ts - does this host idmap layer directories (mount_setattr(2) MOUNT_ATTR_IDMAP)? Probed once per process.
import fs from 'node:fs';
import native from '../../native/index.ts';
import { layerStore } from './paths.ts';

let cached: { supported: boolean; reason: string } | undefined;

/** Probed on the layer store's file system; GLASSBOX_IDMAP=0 forces the chowned-copy fallback (tests, old kernels). */
export function idmapProbe(): { supported: boolean; reason: string } {
  if (cached) return cached;
  if (process.env.GLASSBOX_IDMAP === '0') return (cached = { supported: false, reason: 'disabled by GLASSBOX_IDMAP=0' });
  fs.mkdirSync(layerStore, { recursive: true });
  const r = native.probeIdmap(layerStore);
  cached = r.supported
    ? { supported: true, reason: `idmapped mounts work on ${layerStore}` }
    : { supported: false, reason: `idmapped mounts unavailable on ${layerStore}: ${r.error?.message ?? 'unknown'}` };
  return cached;
}

export function idmapSupported(): boolean {
  return idmapProbe().supported;
}
