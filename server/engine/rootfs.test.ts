// rootfs.test.ts - the host-side reader never follows a container's symlinks out of its root.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readFileInRoot, readdirInRoot } from './rootfs.ts';

test('symlinks, .. and magic links stay inside the root', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-rootfs-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc', 'hostname'), 'inside\n');
  fs.symlinkSync('/etc/hostname', path.join(root, 'abs'));                 // absolute: means the container's /etc/hostname
  fs.symlinkSync('../../../../../../etc/hostname', path.join(root, 'up')); // climbs: stops at the container's root
  fs.symlinkSync('/etc/passwd', path.join(root, 'host-only'));             // exists on the host, not inside
  fs.symlinkSync('/proc/self/root/etc/passwd', path.join(root, 'magic'));  // a magic link out

  assert.equal(readFileInRoot(root, '/etc/hostname').toString(), 'inside\n');
  assert.equal(readFileInRoot(root, 'abs').toString(), 'inside\n');
  assert.equal(readFileInRoot(root, 'up').toString(), 'inside\n');
  assert.equal(readFileInRoot(root, '../../etc/hostname').toString(), 'inside\n');
  assert.throws(() => readFileInRoot(root, 'host-only'), /ENOENT/);
  assert.throws(() => readFileInRoot(root, 'magic'), /ENOENT|ELOOP|EXDEV/);
  assert.deepEqual(readdirInRoot(root, '/etc').map((d) => d.name), ['hostname']);
  assert.equal(readFileInRoot(root, '/etc/hostname', 3).toString(), 'ins', 'bounded by maxBytes');
});
