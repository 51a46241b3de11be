// cleanup.ts - undo steps a benchmark registers as it creates things; they run once, on success, failure or Ctrl-C.

type Undo = () => void | Promise<void>;
const undos: Array<{ what: string; undo: Undo }> = [];
let running: Promise<void> | null = null;

/** Register an undo step; returns a function that drops it (the thing was already cleaned up normally). */
export function onCleanup(what: string, undo: Undo): () => void {
  const entry = { what, undo };
  undos.push(entry);
  return () => {
    const i = undos.indexOf(entry);
    if (i >= 0) undos.splice(i, 1);
  };
}

/** Runs every registered step, newest first; a failing step is reported and does not stop the others. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (undos.length) {
      const { what, undo } = undos.pop()!;
      try {
        await undo();
      } catch (e) {
        process.stderr.write(`bench: cleanup of ${what} failed: ${(e as Error).message}\n`);
      }
    }
  })();
  return running;
}

/**
 * Ctrl-C or kill: clean up, then exit with the shell's 128+signal convention. The handlers stay installed, because
 * under `npm run` a Ctrl-C arrives twice (the terminal signals the group, npm forwards it) and the second must not kill us.
 */
export function cleanupOnSignals(): void {
  let caught = false;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(signal, () => {
      if (caught) return;
      caught = true;
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}
