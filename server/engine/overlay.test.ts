// overlay.test.ts - copy-on-write in a real overlay root: copy-up, whiteouts and opaque directories land in the upper dir; the layers stay untouched.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { setupHarness } from './testing.ts';

const h = await setupHarness('overlay');

/** The value of an overlay xattr on a host path: trusted.* when the overlay was mounted by host root, user.* inside a user ns. */
function overlayXattr(file: string, name: string): string | null {
  for (const ns of ['trusted', 'user']) {
    try {
      return execFileSync('getfattr', ['--only-values', '-n', `${ns}.overlay.${name}`, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch { /* not set in this namespace */ }
  }
  return null;
}

/** The file as the image's layers hold it (the topmost layer that has it). */
function lowerFile(layers: Array<{ dir: string }>, rel: string): string {
  const found = layers.map((l) => path.join(l.dir, rel)).find((f) => fs.existsSync(f));
  assert.ok(found, `no layer has ${rel}`);
  return found;
}

test('an empty upper dir until the container writes', { timeout: 60_000 }, async (t) => {
  const r = await h.run(t, ['/bin/cat', '/etc/passwd']);
  assert.equal(r.exit.code, 0, r.stderr);
  assert.match(r.stdout, /^root:x:0:0/);
  assert.deepEqual(fs.readdirSync(r.container.upperDir!), []);
});

test('modify → copy-up; delete → whiteout; replace a directory → opaque directory', { timeout: 60_000 }, async (t) => {
  const script = 'echo x >> /etc/passwd && rm /etc/hostname && rm -rf /home && mkdir /home && touch /home/new && ls -a /home';
  const r = await h.run(t, ['/bin/sh', '-c', script]);
  assert.equal(r.exit.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['.', '..', 'new']);
  const upper = r.container.upperDir!;
  const layers = r.container.state.layers;

  // copy-up: the whole file is copied to the upper dir, then changed there
  const passwd = fs.readFileSync(path.join(upper, 'etc/passwd'), 'utf8');
  assert.match(passwd, /^root:x:0:0/);
  assert.ok(passwd.endsWith('\nx\n'), JSON.stringify(passwd));
  assert.ok(!fs.readFileSync(lowerFile(layers, 'etc/passwd'), 'utf8').endsWith('\nx\n'), 'the lower layer was modified');

  // whiteout: a character device 0/0 hides the lower file
  const whiteout = fs.lstatSync(path.join(upper, 'etc/hostname'));
  assert.ok(whiteout.isCharacterDevice(), 'etc/hostname in the upper dir is not a character device');
  assert.equal(whiteout.rdev, 0);
  assert.ok(fs.existsSync(lowerFile(layers, 'etc/hostname')), 'the lower file must stay');

  // opaque directory: the new /home hides everything below it in the layers
  const home = path.join(upper, 'home');
  assert.ok(fs.statSync(home).isDirectory());
  assert.equal(overlayXattr(home, 'opaque'), 'y');
  assert.deepEqual(fs.readdirSync(home), ['new']);
  // etc was only copied up to hold changes: it merges with the lower etc, so it is not opaque
  assert.equal(overlayXattr(path.join(upper, 'etc'), 'opaque'), null);
});

test('the upper dir belongs to the container\'s root, the layers are shared and unchanged', { timeout: 60_000 }, async (t) => {
  const r = await h.run(t, ['/bin/sh', '-c', 'mkdir /made && echo hi > /made/file']);
  assert.equal(r.exit.code, 0, r.stderr);
  const file = path.join(r.container.upperDir!, 'made/file');
  assert.equal(fs.readFileSync(file, 'utf8'), 'hi\n');
  // Created by uid 0 inside, owned on the host by the container's base uid.
  assert.equal(fs.statSync(file).uid, r.container.state.uidBase);
  for (const l of r.container.state.layers) assert.equal(fs.existsSync(path.join(l.dir, 'made')), false);
});

h.leakCheck();
