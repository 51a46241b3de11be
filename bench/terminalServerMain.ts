// terminalServerMain.ts - the child process of the terminal bench: the real lab server, alone, so its RSS is its own.
// The parent sets GLASSBOX_ROOT (a temp dir) and reads the first stdout line: {"url":...,"pid":...}.
import { startServer } from '../server/main.ts';

const graceMs = Number(process.argv[2] ?? 1000);
const server = await startServer({ port: 0, host: '127.0.0.1', graceMs, log: (line) => process.stderr.write(`glassbox: ${line}\n`) });
process.stdout.write(`${JSON.stringify({ url: server.url.replace(/\/$/, ''), pid: process.pid })}\n`);

// SIGTERM from the parent, a Ctrl-C to the whole group, or the parent gone (stdin closes): every container is deleted.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close().then(() => process.exit(0), (e) => { process.stderr.write(`glassbox: closing: ${(e as Error).message}\n`); process.exit(1); });
};
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);
process.stdin.on('end', stop).on('error', stop).resume();
