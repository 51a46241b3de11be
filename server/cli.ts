// cli.ts - the `glassbox` command: serve (the browser lab), run, ps, exec, kill, rm, inspect, image, doctor.
import { UserError, NativeError } from './engine/errors.ts';
import { RUN_USAGE, runCommand } from './cli/run.ts';
import { execCommand, imageCommand, inspectCommand, killCommand, psCommand, rmCommand } from './cli/commands.ts';
import { doctorCommand } from './cli/doctor.ts';
import { lessonCommand } from './cli/lesson.ts';
import { serveCommand } from './cli/serve.ts';
import { reconcile } from './engine/reconcile.ts';

const USAGE = `glassbox - a container-internals lab: real containers with glass walls

usage:
  ${RUN_USAGE.replace(/\n/g, '\n  ')}
  glassbox ps
  glassbox exec [-e NAME=VALUE] [-w DIR] ID -- CMD [ARGS...]
  glassbox kill ID [SIGNAL]
  glassbox rm [-f] ID...
  glassbox inspect ID
  glassbox image ls | build | import DIR NAME | rm NAME
  glassbox lesson check DIR lint a lesson and replay it: verify fails, solve runs, verify passes
  glassbox reconcile        remove what a crashed run left behind
  glassbox doctor           what this host has, what is missing, how to fix it
  glassbox serve [--port 3000] [--host 127.0.0.1] [--lessons DIR]   the browser lab
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'doctor') return doctorCommand();
  if (process.getuid?.() !== 0) throw new UserError('glassbox must run as root: it builds real containers (namespaces, mounts, cgroups)', `sudo glassbox ${argv.join(' ')}`);
  switch (cmd) {
    case 'run': return runCommand(rest);
    case 'ps': return psCommand();
    case 'exec': return execCommand(rest);
    case 'kill': return killCommand(rest);
    case 'rm': return rmCommand(rest);
    case 'inspect': return inspectCommand(rest);
    case 'image': return imageCommand(rest);
    case 'lesson': return lessonCommand(rest);
    case 'reconcile': {
      const r = await reconcile({ onProgress: (m) => process.stderr.write(`${m}\n`) });
      process.stdout.write(`removed ${r.removed.length}, kept ${r.kept.length}${r.problems.length ? `, problems: ${r.problems.join('; ')}` : ''}\n`);
      return r.problems.length ? 1 : 0;
    }
    case 'serve': return serveCommand(rest);
    default:
      throw new UserError(`unknown command "${cmd}"`, 'glassbox --help lists the commands');
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UserError) {
      process.stderr.write(`glassbox: ${e.message}\n${e.hint ? `  ${e.hint.replace(/\n/g, '\n  ')}\n` : ''}`);
      process.exitCode = 1;
    } else if (e instanceof NativeError) {
      process.stderr.write(`glassbox: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      // a bug: say so in one line; GLASSBOX_DEBUG=1 shows the stack
      process.stderr.write(`glassbox: internal error: ${(e as Error)?.message ?? String(e)}\n${process.env.GLASSBOX_DEBUG ? (e as Error)?.stack + '\n' : '  (GLASSBOX_DEBUG=1 shows the stack; please report it)\n'}`);
      process.exitCode = 70;
    }
  },
);
