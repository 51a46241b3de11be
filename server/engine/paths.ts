// paths.ts - where Glassbox keeps its state on the host; overridable for tests and the v2 VM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Persistent state: images, the layer store. */
export const stateRoot = process.env.GLASSBOX_ROOT ?? '/var/lib/glassbox';
/** Runtime state: one directory per container (upper/work dirs, state.json); cleaned by reconcile. */
export const runRoot = process.env.GLASSBOX_RUN ?? path.join(stateRoot, 'c');
/** Unpacked layers, content-addressed: layers/sha256/<hex>/ */
export const layerStore = path.join(stateRoot, 'layers');
/** Image layouts by name: images/<name>/ is an OCI image layout. */
export const imageStore = path.join(stateRoot, 'images');
/** The repository checkout (for native/out binaries, lessons, profiles). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const nativeOut = path.join(repoRoot, 'native', 'out');
