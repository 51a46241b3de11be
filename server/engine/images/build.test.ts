// build.test.ts - the default busybox image: two real layers, reproducible digests, runnable busybox, shifted copies.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import zlib from 'node:zlib';

// paths.ts reads $GLASSBOX_ROOT when first imported, so set it before importing the store.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-images-build-'));
process.env.GLASSBOX_ROOT = root;
const images = await import('./index.ts');
const { UserError } = await import('../errors.ts');
after(() => fs.rmSync(root, { recursive: true, force: true }));

const sha256 = (data: Buffer) => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

function makeToolsDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-tools-'));
  fs.writeFileSync(path.join(dir, 'hello'), '#!/bin/sh\necho hello\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not executable\n', { mode: 0o644 });
  return dir;
}

test('buildDefaultImage makes a two-layer busybox image whose digests match its blobs', async (t) => {
  const toolsDir = makeToolsDir();
  t.after(() => fs.rmSync(toolsDir, { recursive: true, force: true }));
  const progress: string[] = [];
  const img = await images.buildDefaultImage({ toolsDir, onProgress: (m) => progress.push(m) });

  assert.equal(img.name, 'busybox');
  assert.equal(img.layers.length, 2);
  assert.ok(progress.some((m) => /^layer 1\/2: \d+ files$/.test(m)), progress.join('\n'));
  assert.deepEqual(img.config.cmd, ['/bin/sh']);
  assert.equal(img.config.workingDir, '/');
  assert.ok(img.config.env.includes('HOME=/root'));

  const manifestBlob = fs.readFileSync(path.join(img.layoutDir, 'blobs/sha256', img.manifestDigest.slice(7)));
  assert.equal(sha256(manifestBlob), img.manifestDigest);
  const manifest = JSON.parse(manifestBlob.toString());
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  const configBlob = fs.readFileSync(path.join(img.layoutDir, 'blobs/sha256', manifest.config.digest.slice(7)));
  assert.equal(sha256(configBlob), manifest.config.digest);
  const config = JSON.parse(configBlob.toString());
  for (const [i, layer] of img.layers.entries()) {
    const blob = fs.readFileSync(path.join(img.layoutDir, 'blobs/sha256', layer.digest.slice(7)));
    assert.equal(sha256(blob), layer.digest);
    assert.equal(blob.length, layer.size);
    assert.equal(sha256(zlib.gunzipSync(blob)), layer.diffId);
    assert.equal(config.rootfs.diff_ids[i], layer.diffId);
    assert.equal(layer.dir, path.join(root, 'layers/sha256', layer.digest.slice(7)));
  }

  const base = img.layers[0].dir;
  assert.equal(execFileSync(path.join(base, 'bin/busybox'), ['echo', 'hi'], { encoding: 'utf8' }), 'hi\n');
  assert.equal(fs.readlinkSync(path.join(base, 'bin/sh')), 'busybox');
  assert.equal(fs.readlinkSync(path.join(base, 'bin/ls')), 'busybox');
  assert.equal(fs.readlinkSync(path.join(base, 'bin/[')), 'busybox');
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  assert.deepEqual(applets.filter((a) => !fs.lstatSync(path.join(base, 'bin', a)).isSymbolicLink()), []);
  assert.equal(fs.existsSync(path.join(base, 'bin/busybox')) && fs.lstatSync(path.join(base, 'bin/busybox')).isFile(), true);
  assert.equal(fs.statSync(path.join(base, 'tmp')).mode & 0o7777, 0o1777);
  const passwd = fs.statSync(path.join(base, 'etc/passwd'));
  assert.equal(passwd.uid, 0);
  assert.match(fs.readFileSync(path.join(base, 'etc/passwd'), 'utf8'), /^root:x:0:0:root:\/root:\/bin\/sh$/m);
  assert.match(fs.readFileSync(path.join(base, 'etc/os-release'), 'utf8'), /NAME="Glassbox busybox"/);

  const tools = img.layers[1].dir;
  assert.equal(fs.statSync(path.join(tools, 'usr/local/bin/hello')).mode & 0o777, 0o755);
  assert.equal(fs.existsSync(path.join(tools, 'usr/local/bin/notes.txt')), false);
  assert.ok(fs.existsSync(path.join(tools, 'etc/glassbox-release')));
});

test('building twice gives the same manifest digest and reuses the unpacked layers', async () => {
  const first = await images.buildDefaultImage({ toolsDir: '/nonexistent-tools' });
  const inode = fs.statSync(first.layers[0].dir).ino;
  const second = await images.buildDefaultImage({ toolsDir: '/nonexistent-tools' });
  assert.equal(second.manifestDigest, first.manifestDigest);
  assert.deepEqual(second.layers.map((l) => l.digest), first.layers.map((l) => l.digest));
  assert.equal(fs.statSync(second.layers[0].dir).ino, inode, 'layer was unpacked again');
  assert.equal(second.layers.length, 2, 'a missing tools dir still gives two layers');
  const listed = await images.listImages();
  assert.deepEqual(listed.map((i) => [i.name, i.manifestDigest, i.layers]), [['busybox', first.manifestDigest, 2]]);
});

test('resolveImage unpacks a layer again if it was removed from the layer store', async () => {
  const img = await images.resolveImage('busybox');
  fs.rmSync(img.layers[1].dir, { recursive: true });
  const again = await images.resolveImage('busybox');
  assert.ok(fs.existsSync(path.join(again.layers[1].dir, 'etc/glassbox-release')));
});

test('shiftedLayerDir shifts owners, keeps modes, and is cached', async () => {
  const img = await images.resolveImage('busybox');
  const layer = img.layers[0];
  // Give the base a setuid file owned by a non-root user, to see both the shift and the restored setuid bit.
  const probe = path.join(layer.dir, 'usr/bin/suid-probe');
  fs.writeFileSync(probe, 'x');
  fs.chownSync(probe, 1000, 1001);
  fs.chmodSync(probe, 0o4755);
  const shifted = await images.shiftedLayerDir(layer, 100000, 200000);
  try {
    assert.equal(shifted, path.join(root, 'layers/shifted/100000-200000', layer.digest.slice(7)));
    const st = fs.statSync(path.join(shifted, 'usr/bin/suid-probe'));
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [101000, 201001, 0o4755]);
    const passwd = fs.statSync(path.join(shifted, 'etc/passwd'));
    assert.deepEqual([passwd.uid, passwd.gid], [100000, 200000]);
    const link = fs.lstatSync(path.join(shifted, 'bin/sh'));
    assert.ok(link.isSymbolicLink());
    assert.deepEqual([link.uid, link.gid], [100000, 200000]);
    assert.equal(fs.statSync(path.join(shifted, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(fs.statSync(shifted).uid, 100000);
    // The original is untouched.
    assert.equal(fs.statSync(path.join(layer.dir, 'etc/passwd')).uid, 0);
    const ino = fs.statSync(shifted).ino;
    assert.equal(fs.statSync(await images.shiftedLayerDir(layer, 100000, 200000)).ino, ino);
  } finally {
    fs.rmSync(probe);
  }
});

test('pruneLayers keeps referenced layers and removes the rest', async () => {
  const stray = path.join(root, 'layers/sha256', 'f'.repeat(64));
  fs.mkdirSync(stray, { recursive: true });
  const before = images.listLayerDirs();
  assert.ok(before.includes(stray));
  // The first test's tools layer (with "hello") is no longer referenced either: the rebuild replaced it.
  const referenced = (await images.resolveImage('busybox')).layers.map((l) => l.dir).sort();
  assert.equal(await images.pruneLayers(), before.length - referenced.length);
  assert.ok(before.length - referenced.length >= 2);
  assert.deepEqual(images.listLayerDirs(), referenced);
});

test('unknown and removed images are UserErrors', async () => {
  await assert.rejects(images.resolveImage('nope'), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.message, 'unknown image "nope" (glassbox image ls lists them; glassbox image build makes busybox)');
    return true;
  });
  await assert.rejects(images.resolveImage('../etc'), UserError);
  await assert.rejects(images.importImage('/nonexistent', 'Bad/Name'), /invalid image name/);
  await images.removeImage('busybox');
  await assert.rejects(images.resolveImage('busybox'), UserError);
  await assert.rejects(images.removeImage('busybox'), UserError);
  assert.deepEqual(await images.listImages(), []);
  assert.ok((await images.pruneLayers()) >= 2);
  assert.deepEqual(images.listLayerDirs(), []);
});
