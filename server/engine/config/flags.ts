// flags.ts - applyRunFlags: the `glassbox run` command-line flags laid onto a config, in Docker's spelling.

import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { OciConfig } from './schema.ts';
import { ALL_CAPS, normalizeCapName } from './caps.ts';
import { parseCpus, parseSize } from './sizes.ts';
import { mergeEnv } from './defaults.ts';
import { parseConfig } from './parse.ts';

export interface RunFlags {
  name?: string;
  hostname?: string;
  memory?: string;
  pids?: string;
  cpus?: string;
  net?: 'none' | 'lab';
  seccomp?: string;
  capAdd?: string[];
  capDrop?: string[];
  noUserns?: boolean;
  args?: string[];
  env?: string[];
  cwd?: string;
}

/** Docker refuses less than 6 MiB too: below that the container's init and shell cannot start. */
const MIN_MEMORY = 6 * 1024 * 1024;

/** Docker's rules: --cap-add ALL starts from every capability, --cap-drop ALL from none; a name in both is a mistake. */
export function applyCaps(current: string[], add: string[], drop: string[]): string[] {
  const isAll = (c: string) => c.trim().toUpperCase() === 'ALL';
  const adds = add.filter((c) => !isAll(c)).map(normalizeCapName);
  const drops = drop.filter((c) => !isAll(c)).map(normalizeCapName);
  const both = adds.find((c) => drops.includes(c));
  if (both) throw new UserError(`${both} is in both --cap-add and --cap-drop`);
  let set: Set<string>;
  if (add.some(isAll)) set = new Set(ALL_CAPS);
  else if (drop.some(isAll)) set = new Set(adds);
  else set = new Set([...current, ...adds]);
  for (const c of drops) set.delete(c);
  return ALL_CAPS.filter((c) => set.has(c)); // kernel order, so configs diff cleanly
}

function positiveInt(flag: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new UserError(`malformed ${flag} "${text}" (use a whole number, at least 1)`);
  }
  return Number(text);
}

function ensureNamespace(cfg: OciConfig, type: 'uts' | 'network'): void {
  const linux = (cfg.linux ??= {});
  const namespaces = (linux.namespaces ??= []);
  if (!namespaces.some((ns) => ns.type === type)) namespaces.push({ type });
}

/** A copy of base with the flags applied; the result is validated again, so a flag cannot produce a bad config. */
export function applyRunFlags(base: OciConfig, flags: RunFlags): OciConfig {
  const cfg = structuredClone(base);
  const annotations = (cfg.annotations ??= {});
  const resources = ((cfg.linux ??= {}).resources ??= {});

  if (flags.name !== undefined) annotations['org.glassbox.name'] = flags.name;
  if (flags.hostname !== undefined) {
    cfg.hostname = flags.hostname;
    ensureNamespace(cfg, 'uts');
  }
  if (flags.memory !== undefined) {
    const bytes = parseSize(flags.memory);
    if (bytes < MIN_MEMORY) throw new UserError(`memory "${flags.memory}" is below the minimum of 6m`);
    // swap is memory+swap in the OCI spec; equal to the limit means no swap, so the limit is a real limit.
    resources.memory = { ...resources.memory, limit: bytes, swap: bytes };
    if ((resources.memory.reservation ?? 0) > bytes) delete resources.memory.reservation;
  }
  if (flags.pids !== undefined) resources.pids = { limit: positiveInt('pids', flags.pids) };
  if (flags.cpus !== undefined) resources.cpu = { ...resources.cpu, ...parseCpus(flags.cpus) };
  if (flags.net !== undefined) {
    annotations['org.glassbox.net'] = flags.net;
    ensureNamespace(cfg, 'network');
  }
  if (flags.seccomp !== undefined) applySeccomp(cfg, flags.seccomp);
  if (flags.capAdd?.length || flags.capDrop?.length) applyCapFlags(cfg, flags.capAdd ?? [], flags.capDrop ?? []);
  if (flags.noUserns) {
    const linux = cfg.linux!;
    linux.namespaces = (linux.namespaces ?? []).filter((ns) => ns.type !== 'user');
    delete linux.uidMappings;
    delete linux.gidMappings;
  }
  if (flags.args !== undefined) cfg.process.args = [...flags.args];
  if (flags.env !== undefined) cfg.process.env = mergeEnv(cfg.process.env ?? [], flags.env);
  if (flags.cwd !== undefined) cfg.process.cwd = flags.cwd;
  return parseConfig(cfg, 'glassbox run');
}

function applyCapFlags(cfg: OciConfig, add: string[], drop: string[]): void {
  const caps = (cfg.process.capabilities ??= {});
  const bounding = applyCaps(caps.bounding ?? [], add, drop);
  caps.bounding = bounding;
  caps.effective = [...bounding];
  caps.permitted = [...bounding];
  // Inheritable and ambient sets may only hold what the bounding set still allows.
  if (caps.inheritable) caps.inheritable = caps.inheritable.filter((c) => bounding.includes(c));
  if (caps.ambient) caps.ambient = caps.ambient.filter((c) => bounding.includes(c));
}

/** --seccomp default | unconfined | a profile file (Docker/OCI seccomp JSON, checked by the seccomp module). */
function applySeccomp(cfg: OciConfig, value: string): void {
  const linux = cfg.linux!;
  const annotations = cfg.annotations!;
  delete annotations['org.glassbox.seccomp'];
  delete linux.seccomp;
  if (value === 'default') return; // the engine fills in the default profile
  if (value === 'unconfined') {
    annotations['org.glassbox.seccomp'] = 'unconfined';
    return;
  }
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read seccomp profile ${value}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      'use --seccomp default, --seccomp unconfined or the path of a seccomp JSON profile');
  }
  try {
    linux.seccomp = JSON.parse(text);
  } catch (err) {
    throw new UserError(`seccomp profile ${value} is not valid JSON: ${(err as Error).message}`);
  }
}
