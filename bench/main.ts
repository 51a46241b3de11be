// main.ts - `npm run bench -- <name> [options]`: runs one benchmark by name and prints its table.
import { UserError } from '../server/engine/errors.ts';

const benches: Record<string, (args: string[]) => Promise<void>> = {
  start: async (args) => (await import('./start.ts')).runStartBench(args),
  terminal: async (args) => (await import('./terminal.ts')).runTerminalBench(args),
};

const [name, ...rest] = process.argv.slice(2);
const bench = name ? benches[name] : undefined;
if (!bench) {
  process.stdout.write('not yet\n');
  process.stderr.write(`benchmarks so far: ${Object.keys(benches).join(', ')}\n`);
  process.exit(2);
}
try {
  await bench(rest);
} catch (e) {
  // Expected failures (not root, runtime missing) are one line; anything else keeps its stack for whoever debugs it.
  if (e instanceof UserError) {
    process.stderr.write(`bench ${name}: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
  } else {
    process.stderr.write(`bench ${name} failed: ${(e as Error).stack ?? e}\n`);
  }
  process.exit(1);
}
