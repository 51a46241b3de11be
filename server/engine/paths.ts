// paths.ts - where Glassbox keeps its state on the host; overridable for tests and the v2 VM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Persistent state: images, the layer store. */
export const stateRoot = process.env.GLASSBOX_ROOT ?? '/var/lib/glassbox';
/**
 * Runtime state: one directory per container (state.json, mount points; the upper dir lives on a tmpfs of its own),
 * and the uid-range slots. Like runc's /run/runc it is kept on a tmpfs (container.ts mounts one there when /run is
 * not): nothing here outlives a reboot, and a container start makes a dozen directories and files, which cost
 * ~100 µs each on a journalled disk and ~5 µs on tmpfs. Under a GLASSBOX_ROOT (tests), it lives inside that root.
 */
export const runRoot = process.env.GLASSBOX_RUN ?? (process.env.GLASSBOX_ROOT ? path.join(stateRoot, 'c') : '/run/glassbox');
/** Unpacked layers, content-addressed: layers/sha256/<hex>/ */
export const layerStore = path.join(stateRoot, 'layers');
/** Image layouts by name: images/<name>/ is an OCI image layout. */
export const imageStore = path.join(stateRoot, 'images');
/** The repository checkout (for native/out binaries, lessons, profiles). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const nativeOut = path.join(repoRoot, 'native', 'out');
