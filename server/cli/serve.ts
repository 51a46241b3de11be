// serve.ts - `glassbox serve`: reconcile what a crashed run left, serve the lab, and on SIGINT/SIGTERM delete every container.
import { parseArgs } from 'node:util';
import { UserError } from '../engine/errors.ts';
import { reconcile } from '../engine/reconcile.ts';

export const SERVE_USAGE = 'usage: glassbox serve [--port 3000] [--host 127.0.0.1] [--lessons DIR]';

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { port: { type: 'string' }, host: { type: 'string' }, lessons: { type: 'string' } } }));
  } catch (e) {
    throw new UserError((e as Error).message.split('\n')[0], SERVE_USAGE);
  }
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a port number (0-65535), not "${values.port}"`);
  const host = values.host ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) throw new UserError(`--host "${host}" is not an address or host name`);

  const r = await reconcile({ onProgress: (m) => process.stderr.write(`${m}\n`) });
  if (r.removed.length) process.stderr.write(`glassbox: removed ${r.removed.length} container(s) left by an earlier run\n`);

  const { startServer } = await import('../main.ts');
  let server;
  try {
    server = await startServer({ port, host, lessonsDir: values.lessons });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} on ${host} is already in use`, 'stop the other server, or pick another: glassbox serve --port 3001');
    if (code === 'EADDRNOTAVAIL') throw new UserError(`${host} is not an address of this machine`, 'use 127.0.0.1 (this machine only) or 0.0.0.0 (every address)');
    throw e;
  }
  for (const line of server.sessions.lab.deps.missing) process.stderr.write(`glassbox: warning: ${line}\n`);
  process.stdout.write(`Glassbox is serving the lab at ${server.url}\n`);
  if (host === '127.0.0.1' || host === 'localhost' || host === '::1') process.stdout.write('(this machine only; --host 0.0.0.0 serves it to the network)\n');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) { process.stderr.write('glassbox: still deleting containers; send SIGKILL to abandon them (reconcile cleans up next time)\n'); return; }
      stopping = true;
      process.stderr.write(`glassbox: ${signal}: deleting every learner's containers\n`);
      server.close().then(
        () => { process.stderr.write('glassbox: stopped, nothing left behind\n'); resolve(0); },
        (e) => { process.stderr.write(`glassbox: stopping: ${(e as Error).message}\n`); resolve(1); },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
