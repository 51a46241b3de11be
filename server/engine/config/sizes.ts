// sizes.ts - the human spellings of resource limits on the command line: "64m" bytes and "0.5" CPUs.

import { UserError } from '../errors.ts';

const unitBytes: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "64m" "1g" "512k" "1048576" → bytes (binary units, as docker and the kernel's memparse use them). */
export function parseSize(s: string): number {
  const match = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(String(s).trim());
  const hasFraction = match?.[1].includes('.') ?? false;
  // A fraction of a byte means nothing, so "1.5" alone is malformed; "1.5g" is fine.
  if (!match || (hasFraction && match[2] === '')) {
    throw new UserError(`malformed size "${s}" (use a number with k, m or g)`);
  }
  const bytes = Math.floor(Number(match[1]) * unitBytes[match[2].toLowerCase()]);
  if (!Number.isSafeInteger(bytes)) throw new UserError(`size "${s}" is too large`);
  return bytes;
}

/** The CFS period the kernel defaults to (cpu.cfs_period_us / the second field of cpu.max), in microseconds. */
export const CPU_PERIOD_US = 100_000;
const MAX_CPUS = 1024;

/**
 * "0.5" → { quota: 50000, period: 100000 }: half a CPU's time in every 100 ms. The kernel refuses a
 * quota under 1 ms (sched/core.c min_cfs_quota_period), so 0.01 CPU is the smallest that can be asked for.
 */
export function parseCpus(s: string): { quota: number; period: number } {
  const text = String(s).trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) {
    throw new UserError(`malformed cpus "${s}" (use a number of CPUs such as 0.5 or 2)`);
  }
  const cpus = Number(text);
  if (cpus <= 0) throw new UserError(`cpus "${s}" must be more than 0`);
  if (cpus > MAX_CPUS) throw new UserError(`cpus "${s}" is more than ${MAX_CPUS}`);
  const quota = Math.round(cpus * CPU_PERIOD_US);
  if (quota < 1000) throw new UserError(`cpus "${s}" is less than 0.01 (the kernel's smallest quota is 1 ms per 100 ms)`);
  return { quota, period: CPU_PERIOD_US };
}
