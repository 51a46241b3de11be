// merge.ts - mergeConfig: a partial OCI config (a lesson's `container:` frontmatter) laid over a full one, then re-validated.

import { UserError } from '../errors.ts';
import type { OciConfig } from './schema.ts';
import { parseConfig } from './parse.ts';

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars replace; null removes the key (so a lesson can drop a default). */
function deepMerge(base: unknown, over: unknown, path: string, source: string): unknown {
  if (!isPlain(base) || !isPlain(over)) return structuredClone(over);
  const out: Plain = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    // A key like __proto__ from YAML or JSON would reach Object.prototype through a plain assignment.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new UserError(`${source}: ${path}${key} is not a field glassbox knows`);
    }
    if (value === null) delete out[key];
    else out[key] = deepMerge(out[key], value, `${path}${key}.`, source);
  }
  return out;
}

/** base with partial laid over it (deep merge, arrays replace, null deletes); the result must be a valid config. */
export function mergeConfig(base: OciConfig, partial: unknown, source = 'container'): OciConfig {
  if (partial === undefined || partial === null) return parseConfig(structuredClone(base), source);
  if (!isPlain(partial)) throw new UserError(`${source}: expected a partial OCI config (an object), got ${Array.isArray(partial) ? 'an array' : typeof partial}`);
  return parseConfig(deepMerge(base, partial, '', source), source);
}
