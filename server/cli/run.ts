// run.ts - `glassbox run`: a container in the foreground, stdio attached (a pty when stdin is a terminal), its exit status ours.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Container } from '../engine/container.ts';
import { applyRunFlags, parseConfig, secureDefaults, type OciConfig } from '../engine/config/index.ts';
import { UserError } from '../engine/errors.ts';
import { resolveImage } from '../engine/images/index.ts';
import { reconcile } from '../engine/reconcile.ts';
import { openPtyBridge } from './tty.ts';

export const RUN_USAGE = `usage: glassbox run [--rm] [--name N] [--hostname H] [--memory 64m] [--pids 64] [--cpus 0.5]
                    [--net none|lab] [--seccomp default|strict|unconfined|FILE] [--cap-add C] [--cap-drop C]
                    [--no-userns] [-e NAME=VALUE] [-w DIR] IMAGE [-- CMD ARGS...]
       glassbox run [--rm] [--name N] --bundle DIR`;

export async function runCommand(argv: string[]): Promise<number> {
  const dd = argv.indexOf('--');
  const head = dd >= 0 ? argv.slice(0, dd) : argv;
  const cmd = dd >= 0 ? argv.slice(dd + 1) : [];
  let parsed;
  try {
    parsed = parseArgs({
      args: head, allowPositionals: true, strict: true,
      options: {
        rm: { type: 'boolean' }, name: { type: 'string' }, hostname: { type: 'string' }, memory: { type: 'string' },
        pids: { type: 'string' }, cpus: { type: 'string' }, net: { type: 'string' }, seccomp: { type: 'string' },
        'cap-add': { type: 'string', multiple: true }, 'cap-drop': { type: 'string', multiple: true }, 'no-userns': { type: 'boolean' },
        env: { type: 'string', short: 'e', multiple: true }, workdir: { type: 'string', short: 'w' }, bundle: { type: 'string' },
        allow: { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    throw new UserError((e as Error).message.split('\n')[0], RUN_USAGE);
  }
  const v = parsed.values;
  if (v.net !== undefined && v.net !== 'none' && v.net !== 'lab') throw new UserError(`--net must be none or lab, not "${v.net}"`);
  if (v.name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/.test(v.name)) throw new UserError(`--name "${v.name}": use letters, digits, _ . -`);

  await reconcile();
  let config: OciConfig;
  let create: Parameters<typeof Container.create>[0];
  if (v.bundle) {
    if (parsed.positionals.length) throw new UserError('--bundle takes no IMAGE', RUN_USAGE);
    const bundle = path.resolve(v.bundle);
    const file = path.join(bundle, 'config.json');
    if (!fs.existsSync(file)) throw new UserError(`no bundle at ${bundle} (${file} is missing)`);
    let json: unknown;
    try { json = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) { throw new UserError(`${file}: not valid JSON: ${(e as Error).message}`); }
    config = parseConfig(json, file);
    const rootfs = path.resolve(bundle, config.root.path);
    if (!fs.existsSync(rootfs)) throw new UserError(`${file}: root.path ${rootfs} does not exist`);
    create = { config, rootfsDir: rootfs, bundle, allowHostBinds: true };
  } else {
    const [imageName, ...extra] = parsed.positionals;
    if (!imageName) throw new UserError('which image? (glassbox image ls lists them)', RUN_USAGE);
    if (extra.length) throw new UserError(`put the command after "--": glassbox run ${imageName} -- ${extra.join(' ')}`);
    const image = await resolveImage(imageName);
    const args = cmd.length ? cmd : [...image.config.entrypoint, ...image.config.cmd];
    if (!args.length) throw new UserError(`image ${imageName} has no default command: give one after "--"`);
    config = secureDefaults({ args, env: image.config.env, cwd: image.config.workingDir || '/', hostname: v.hostname });
    config = applyRunFlags(config, {
      name: v.name, hostname: v.hostname, memory: v.memory, pids: v.pids, cpus: v.cpus, net: v.net as 'none' | 'lab' | undefined,
      capAdd: v['cap-add'], capDrop: v['cap-drop'], noUserns: v['no-userns'], env: v.env, cwd: v.workdir,
    });
    create = { config, image, net: v.net as 'none' | 'lab' | undefined, seccomp: v.seccomp, allow: v.allow, allowHostBinds: true };
  }
  const tty = !!process.stdin.isTTY;
  config.process.terminal = tty;
  const bridge = tty ? openPtyBridge() : null;
  const container = await Container.create({ ...create, name: v.name, stdio: bridge ? [bridge.slave, bridge.slave, bridge.slave] : [0, 1, 2], startNow: true });
  const forward = (sig: NodeJS.Signals) => () => { try { container.kill(sig); } catch { /* gone */ } };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  let removed = false;
  try {
    try {
      if (container.status === 'created') await container.start(); // the lab network is attached between the two
    } catch (e) {
      removed = true;
      await container.delete();
      throw e;
    }
    if (bridge) fs.closeSync(bridge.slave);
    const copied = bridge?.attach();
    const exit = await container.wait();
    if (copied) await Promise.race([copied, new Promise((r) => setTimeout(r, 200))]);
    if (exit.oomKilled) {
      const limit = config.linux?.resources?.memory?.limit;
      process.stderr.write(`glassbox: ${container.state.name} was killed by the OOM killer (memory limit ${limit ? `${Math.round(limit / 1048576)} MiB` : 'reached'})\n`);
    }
    return exit.code >= 0 ? exit.code : 128 + exit.signal;
  } finally {
    bridge?.dispose();
    for (const [s, h] of handlers) process.off(s, h);
    // Without --rm the stopped container stays (its upper dir too) for inspect, until `glassbox rm`.
    if (v.rm && !removed) await container.delete();
  }
}
