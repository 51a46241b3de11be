// index.ts - the only file that loads the compiled addon; says every place it looked when it fails.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Binding, RawNativeError } from './binding.d.ts';
import { NativeError, UserError } from '../server/engine/errors.ts';

export type { Binding, MountOp, SpawnPlan, SpawnResult } from './binding.d.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const candidates = [
  process.env.GLASSBOX_NATIVE,
  path.join(here, 'build', 'Release', 'glassbox.node'),
  path.join(here, 'build', 'Debug', 'glassbox.node'),
].filter((p): p is string => !!p);

function load(): Binding {
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      tried.push(`${file} (missing)`);
      continue;
    }
    try {
      return require(file) as Binding;
    } catch (e) {
      tried.push(`${file} (${(e as Error).message.split('\n')[0]})`);
    }
  }
  throw new UserError(
    `the native module is not built; looked in:\n  ${tried.join('\n  ')}`,
    'run the set-up: scripts/setup.sh (or: npm run build:native)',
  );
}

let binding: Binding | undefined;
/** The addon, loaded on first use so that `glassbox doctor` can report a missing build instead of crashing. */
export function native(): Binding {
  return (binding ??= load());
}

/** Turn the addon's error object into a NativeError (stage, syscall, path, errno); anything else passes through. */
export function toNativeError(e: unknown): unknown {
  const r = e as RawNativeError;
  if (r && r.native) return new NativeError(r.stage, r.syscall, r.path, r.errno, r.code);
  return e;
}

/** Directory of the static helper executables (glassbox-init, glassbox-enter, gbprobe). */
export const nativeOutDir = path.join(here, 'out');

/** `native.spawn(...)` etc., loading the addon on first use. */
export default new Proxy({} as Binding, { get: (_t, key) => native()[key as keyof Binding] });
