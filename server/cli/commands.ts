// commands.ts - `glassbox ps | exec | kill | rm | inspect | image`: containers and images from any process's state.
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Container, enterArgs, signalNumber } from '../engine/container.ts';
import { destroyContainer } from '../engine/cleanup.ts';
import { UserError } from '../engine/errors.ts';
import { buildDefaultImage, importImage, listImages, removeImage } from '../engine/images/index.ts';
import { nativeOut } from '../engine/paths.ts';
import { isAlive } from '../engine/state.ts';
import { ALL_CAPS } from '../engine/config/index.ts';
import { allContainers, findContainer, liveStatus } from './find.ts';
import { openPtyBridge } from './tty.ts';
import path from 'node:path';
import native from '../../native/index.ts';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

export function psCommand(): number {
  const rows = [['ID', 'NAME', 'IMAGE', 'STATUS', 'PID', 'CREATED', 'COMMAND']];
  for (const s of allContainers()) {
    rows.push([s.id, s.name, s.image ?? s.bundle ?? '-', liveStatus(s), String(s.pid || '-'), s.created.replace('T', ' ').slice(0, 19), s.process.args.join(' ').slice(0, 40)]);
  }
  process.stdout.write(table(rows));
  return 0;
}

export async function execCommand(argv: string[]): Promise<number> {
  const dd = argv.indexOf('--');
  if (dd < 0 || dd === argv.length - 1) throw new UserError('usage: glassbox exec [-e NAME=VALUE] [-w DIR] ID -- CMD [ARGS...]');
  const { values, positionals } = parseArgs({
    args: argv.slice(0, dd), allowPositionals: true, strict: true,
    options: { env: { type: 'string', short: 'e', multiple: true }, workdir: { type: 'string', short: 'w' } },
  });
  if (positionals.length !== 1) throw new UserError('usage: glassbox exec [-e NAME=VALUE] [-w DIR] ID -- CMD [ARGS...]');
  const s = findContainer(positionals[0]);
  if (!isAlive(s.pid, s.pidStartTime) || s.status !== 'running') throw new UserError(`container ${s.name} is not running (${liveStatus(s)})`);
  const tty = !!process.stdin.isTTY;
  const env = [...s.process.env.filter((e) => !(values.env ?? []).some((o) => o.split('=')[0] === e.split('=')[0])), ...(values.env ?? [])];
  const args = enterArgs(s, argv.slice(dd + 1), { tty, env, cwd: values.workdir });
  const bridge = tty ? openPtyBridge() : null;
  const child = spawn(path.join(nativeOut, 'glassbox-enter'), args, {
    stdio: bridge ? [bridge.slave, bridge.slave, bridge.slave] : 'inherit', env: {},
  });
  if (bridge) fs.closeSync(bridge.slave);
  const copied = bridge?.attach();
  const code = await new Promise<number>((resolve) => {
    child.on('error', (e) => { process.stderr.write(`glassbox: cannot run glassbox-enter: ${e.message}\n`); resolve(125); });
    child.on('exit', (c, sig) => resolve(c ?? 128 + (sig ? signalNumber(sig) : 0)));
  });
  if (copied) await Promise.race([copied, new Promise((r) => setTimeout(r, 200))]);
  bridge?.dispose();
  return code;
}

export function killCommand(argv: string[]): number {
  if (argv.length < 1 || argv.length > 2) throw new UserError('usage: glassbox kill ID [SIGNAL]');
  const s = findContainer(argv[0]);
  if (!isAlive(s.pid, s.pidStartTime)) throw new UserError(`container ${s.name} is not running (${liveStatus(s)})`);
  process.kill(s.pid, signalNumber(argv[1] ?? 'TERM'));
  return 0;
}

export async function rmCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { force: { type: 'boolean', short: 'f' } } });
  if (!positionals.length) throw new UserError('usage: glassbox rm [-f] ID...');
  let code = 0;
  for (const ref of positionals) {
    const s = findContainer(ref);
    if (isAlive(s.pid, s.pidStartTime) && !values.force) {
      process.stderr.write(`glassbox: container ${s.name} is running (glassbox rm -f ${ref} stops and removes it)\n`);
      code = 1;
      continue;
    }
    await destroyContainer(s);
    process.stdout.write(`${s.id}\n`);
  }
  return code;
}

function decodeCaps(hex: string): string[] {
  const mask = BigInt(`0x${hex || '0'}`);
  return ALL_CAPS.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

function procStatus(pid: number): Record<string, string> {
  try {
    return Object.fromEntries(fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').filter(Boolean).map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()];
    }));
  } catch {
    return {};
  }
}

export function nsInodes(pid: number): Record<string, number | null> {
  try {
    return native.nsInodes(pid);
  } catch {
    return {};
  }
}

export function inspectCommand(argv: string[]): number {
  if (argv.length !== 1) throw new UserError('usage: glassbox inspect ID');
  const s = findContainer(argv[0]);
  const alive = isAlive(s.pid, s.pidStartTime);
  const st = alive ? procStatus(s.pid) : {};
  const host = nsInodes(process.pid);
  const ns = alive ? nsInodes(s.pid) : {};
  const c = alive ? Container.fromState(s) : null;
  let stats = null;
  try { stats = c?.cgroupStats() ?? null; } catch { stats = null; }
  const out = {
    id: s.id, name: s.name, status: liveStatus(s), pid: alive ? s.pid : null, created: s.created, image: s.image, bundle: s.bundle,
    process: s.process, exit: s.exit,
    namespaces: Object.fromEntries(Object.entries(ns).map(([t, ino]) => [t, { inode: ino, sharedWithHost: ino !== null && ino === host[t] }])),
    hostname: s.hostname,
    userns: s.uidBase !== null ? { uidMap: alive ? fs.readFileSync(`/proc/${s.pid}/uid_map`, 'utf8').trim().split(/\s+/).join(' ') : null, hostBase: s.uidBase, layers: s.idmap ? 'idmapped mounts' : 'chowned copies' } : null,
    cgroup: { version: s.cgroup.version, dirs: s.cgroup.dirs, stats },
    overlay: { upperDir: s.upperDir, workDir: s.workDir, lowerDirs: s.lowerDirs, layers: s.layers.map((l) => l.digest), rootfs: alive ? `/proc/${s.pid}/root` : null },
    capabilities: alive
      ? { effective: decodeCaps(st.CapEff), permitted: decodeCaps(st.CapPrm), inheritable: decodeCaps(st.CapInh), bounding: decodeCaps(st.CapBnd), ambient: decodeCaps(st.CapAmb) }
      : { effective: decodeCaps(s.caps.effective), bounding: decodeCaps(s.caps.bounding) },
    noNewPrivileges: alive ? st.NoNewPrivs === '1' : s.noNewPrivileges,
    seccomp: { mode: alive ? ['disabled', 'strict', 'filter'][Number(st.Seccomp)] ?? st.Seccomp : null, profile: s.seccomp.profile },
    network: { mode: s.net, address: s.netAddress },
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return 0;
}

export async function imageCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const progress = (m: string) => process.stderr.write(`${m}\n`);
  switch (sub) {
    case 'ls': case 'list': {
      const rows = [['NAME', 'DIGEST', 'LAYERS', 'SIZE']];
      for (const i of await listImages()) rows.push([i.name, i.manifestDigest.slice(0, 19), String(i.layers), `${(i.size / 1048576).toFixed(1)} MiB`]);
      process.stdout.write(table(rows));
      return 0;
    }
    case 'build': {
      if (rest.length && rest[0] !== 'busybox') throw new UserError('glassbox image build makes the default image "busybox" (no other recipes yet)');
      const img = await buildDefaultImage({ onProgress: progress });
      process.stdout.write(`${img.name} ${img.manifestDigest} (${img.layers.length} layers)\n`);
      return 0;
    }
    case 'import': {
      if (rest.length !== 2) throw new UserError('usage: glassbox image import DIR NAME   (DIR: an OCI image layout, e.g. from skopeo copy docker://x oci:DIR)');
      const img = await importImage(path.resolve(rest[0]), rest[1], progress);
      process.stdout.write(`${img.name} ${img.manifestDigest} (${img.layers.length} layers)\n`);
      return 0;
    }
    case 'rm': {
      if (rest.length !== 1) throw new UserError('usage: glassbox image rm NAME');
      await removeImage(rest[0]);
      return 0;
    }
    default:
      throw new UserError('usage: glassbox image ls | build | import DIR NAME | rm NAME');
  }
}
