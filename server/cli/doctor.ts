// doctor.ts - `glassbox doctor`: what this host has for real containers, what is missing, and how to fix it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { probeCgroups } from '../engine/cgroups/index.ts';
import { idmapProbe } from '../engine/idmap.ts';
import { listImages } from '../engine/images/index.ts';
import { nativeOut } from '../engine/paths.ts';
import { native } from '../../native/index.ts';

interface Check { name: string; ok: boolean; detail: string; fix?: string; optional?: boolean }

function read(file: string): string | null {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return null; }
}

function libseccompVersion(): string | null {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'libseccomp2'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() || null;
  } catch {
    return null;
  }
}

export async function doctorCommand(): Promise<number> {
  const checks: Check[] = [];
  const [maj, min] = os.release().split('.').map(Number);
  checks.push({ name: 'kernel', ok: maj > 5 || (maj === 5 && min >= 12), detail: os.release(), fix: 'Linux 5.12 or newer (idmapped mounts, clone3 into a cgroup, openat2)' });
  checks.push({ name: 'root', ok: process.getuid?.() === 0, detail: process.getuid?.() === 0 ? 'running as root' : `running as uid ${process.getuid?.()}`, fix: 'run glassbox as root (sudo)' });
  const cg = probeCgroups();
  checks.push({
    name: 'cgroups', ok: cg.version !== null && cg.missing.length === 0,
    detail: `${cg.mode} (v${cg.version ?? '?'} driver) at ${cg.mountPoint}; controllers: ${cg.controllers.join(' ') || 'none'}${cg.missing.length ? `; missing: ${cg.missing.join(' ')}` : ''}${cg.notes.length ? `\n      ${cg.notes.join('\n      ')}` : ''}`,
    fix: 'mount cgroup2 at /sys/fs/cgroup with memory, pids and cpu enabled (or the v1 controllers)',
  });
  const fsList = read('/proc/filesystems') ?? '';
  checks.push({ name: 'overlayfs', ok: /\toverlay$/m.test(fsList), detail: /\toverlay$/m.test(fsList) ? 'available' : 'not in /proc/filesystems', fix: 'modprobe overlay' });
  const maxUserns = Number(read('/proc/sys/user/max_user_namespaces') ?? '0');
  checks.push({ name: 'user namespaces', ok: maxUserns > 0, detail: `max_user_namespaces=${maxUserns}`, fix: 'sysctl -w user.max_user_namespaces=15000' });
  let nativeOk = false;
  try { native(); nativeOk = true; } catch { nativeOk = false; }
  checks.push({ name: 'native module', ok: nativeOk, detail: nativeOk ? 'native/build/Release/glassbox.node loads' : 'not built', fix: 'scripts/setup.sh (or npm run build:native)' });
  const helpers = ['glassbox-init', 'glassbox-enter', 'gbprobe'].map((f) => path.join(nativeOut, f));
  const missing = helpers.filter((f) => !fs.existsSync(f));
  checks.push({ name: 'helpers', ok: !missing.length, detail: missing.length ? `missing ${missing.join(', ')}` : 'glassbox-init, glassbox-enter, gbprobe built (static)', fix: 'make -C native' });
  if (nativeOk) {
    const idm = idmapProbe();
    checks.push({ name: 'idmapped mounts', ok: true, detail: idm.supported ? `in use: ${idm.reason}` : `not available, using chowned copies of layers per uid range (${idm.reason})` });
  }
  const seccomp = libseccompVersion();
  checks.push({ name: 'libseccomp', ok: !!seccomp, detail: seccomp ? `libseccomp2 ${seccomp}` : 'not found', fix: 'apt-get install libseccomp-dev' });
  checks.push({ name: 'busybox-static', ok: fs.existsSync('/bin/busybox'), detail: fs.existsSync('/bin/busybox') ? '/bin/busybox' : 'missing', fix: 'apt-get install busybox-static' });
  let images: string[] = [];
  try { images = (await listImages()).map((i) => i.name); } catch { images = []; }
  checks.push({ name: 'images', ok: images.includes('busybox'), detail: images.length ? images.join(', ') : 'none', fix: 'glassbox image build' });
  for (const tool of ['runc', 'crun']) {
    let found = '';
    try { found = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(); } catch { found = ''; }
    checks.push({ name: tool, ok: !!found, optional: true, detail: found || 'not installed (only the OCI lesson and the benchmark use it)', fix: `apt-get install ${tool}` });
  }
  let bad = 0;
  for (const c of checks) {
    const mark = c.ok ? 'ok  ' : c.optional ? 'opt ' : 'FAIL';
    if (!c.ok && !c.optional) bad++;
    process.stdout.write(`${mark} ${c.name.padEnd(16)} ${c.detail}\n`);
    if (!c.ok && c.fix) process.stdout.write(`     ${''.padEnd(16)} fix: ${c.fix}\n`);
  }
  process.stdout.write(bad ? `\n${bad} problem(s): glassbox cannot run containers until they are fixed.\n` : '\nall good.\n');
  return bad ? 1 : 0;
}
