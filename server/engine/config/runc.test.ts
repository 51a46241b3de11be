// runc.test.ts - the secure defaults are a bundle runc itself runs: the same config, a second opinion on it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secureDefaults, capMask, DOCKER_DEFAULT_CAPS } from './index.ts';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && existsSync('/bin/busybox');
const HOST_ID = 100000; // a host range nobody uses on a test machine, as the engine would allocate

test('runc runs the secure defaults (mappings filled in) with the expected caps', { skip: !hasRunc && 'needs runc and /bin/busybox' }, (t) => {
  const bundle = mkdtempSync(join(tmpdir(), 'gb-runc-bundle-'));
  const id = `gb-config-test-${process.pid}`;
  const state = join(bundle, 'state');
  t.after(() => {
    spawnSync('runc', ['--root', state, 'delete', '-f', id]);
    rmSync(bundle, { recursive: true, force: true });
  });
  chmodSync(bundle, 0o755); // the container's root (host uid 100000) must traverse it
  const rootfs = join(bundle, 'rootfs');
  for (const dir of ['bin', 'proc', 'dev', 'sys', 'tmp']) mkdirSync(join(rootfs, dir), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const tool of ['sh', 'cat', 'grep', 'hostname']) symlinkSync('busybox', join(rootfs, 'bin', tool));
  for (const path of [rootfs, ...['bin', 'proc', 'dev', 'sys', 'tmp', 'bin/busybox'].map((p) => join(rootfs, p))]) chownSync(path, HOST_ID, HOST_ID);

  const config = secureDefaults({ args: ['/bin/sh', '-c', 'hostname; grep -E "CapEff|NoNewPrivs" /proc/self/status; cat /proc/self/uid_map'] });
  config.linux!.uidMappings = [{ containerID: 0, hostID: HOST_ID, size: 65536 }];
  config.linux!.gidMappings = [{ containerID: 0, hostID: HOST_ID, size: 65536 }];
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));

  const out = execFileSync('runc', ['--root', state, 'run', id], { cwd: bundle, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out.trim().split('\n');
  assert.equal(lines[0], 'glassbox');
  assert.equal(BigInt('0x' + /CapEff:\s*([0-9a-f]+)/.exec(out)![1]), capMask(DOCKER_DEFAULT_CAPS));
  assert.match(out, /NoNewPrivs:\s*1/);
  assert.match(out, new RegExp(`^\\s*0\\s+${HOST_ID}\\s+65536$`, 'm'));
});
