// import.test.ts - importing hand-made OCI layouts: whiteouts, opaque dirs, owners, tampered blobs, hostile tar paths.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import zlib from 'node:zlib';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-images-import-'));
process.env.GLASSBOX_ROOT = root;
const images = await import('./index.ts');
const { UserError } = await import('../errors.ts');
const { writeTar } = await import('./tarWriter.ts');
type TarEntry = import('./tarWriter.ts').TarEntry;
after(() => fs.rmSync(root, { recursive: true, force: true }));

const hex = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');
const dir = (p: string, mode = 0o755): TarEntry => ({ path: p, type: 'Directory', mode });
const file = (p: string, text: string, extra: Partial<TarEntry> = {}): TarEntry => ({ path: p, type: 'File', mode: 0o644, data: Buffer.from(text), ...extra });

interface LayoutOptions { gzip?: boolean; platforms?: string[] }

/** Writes an OCI layout with one manifest per platform (all with the same layers) into a fresh temp dir. */
function makeLayout(layers: TarEntry[][], opts: LayoutOptions = {}): { dir: string; layerDigests: string[] } {
  const layoutDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-layout-'));
  const blobs = path.join(layoutDir, 'blobs/sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => { const h = hex(data); fs.writeFileSync(path.join(blobs, h), data); return { digest: `sha256:${h}`, size: data.length }; };
  const tars = layers.map((entries) => writeTar(entries));
  const gzip = opts.gzip ?? true;
  const layerDescs = tars.map((t) => ({
    mediaType: `application/vnd.oci.image.layer.v1.tar${gzip ? '+gzip' : ''}`,
    ...put(gzip ? zlib.gzipSync(t) : t),
  }));
  const manifests = (opts.platforms ?? ['linux/amd64']).map((platform) => {
    const [osName, architecture] = platform.split('/');
    const config = put(Buffer.from(JSON.stringify({
      architecture, os: osName,
      config: { Entrypoint: ['/bin/app'], Env: ['A=1'], User: '1000:1000' },
      rootfs: { type: 'layers', diff_ids: tars.map((t) => `sha256:${hex(t)}`) },
    })));
    const manifest = put(Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layerDescs,
    })));
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, platform: { architecture, os: osName } };
  });
  fs.writeFileSync(path.join(layoutDir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  fs.writeFileSync(path.join(layoutDir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  after(() => fs.rmSync(layoutDir, { recursive: true, force: true }));
  return { dir: layoutDir, layerDigests: layerDescs.map((d) => d.digest) };
}

const baseLayer: TarEntry[] = [
  dir('etc'), file('etc/passwd', 'root:x:0:0::/root:/bin/sh\n'), file('etc/motd', 'hi\n'),
  dir('opt'), file('opt/old', 'old\n'),
  dir('home'), dir('home/user', 0o750), file('home/user/notes', 'mine\n', { uid: 1000, gid: 1000, mode: 0o600 }),
  dir('usr'), dir('usr/bin'), file('usr/bin/su', 'suid\n', { mode: 0o4755 }),
  // Owned by someone else, so the unpacker chowns it, and chown(2) clears setuid/setgid.
  file('usr/bin/sgid-tool', 'sgid\n', { mode: 0o6750, uid: 1000, gid: 50 }),
  { path: 'usr/bin/su2', type: 'Link', mode: 0o4755, linkpath: 'usr/bin/su' },
  { path: 'usr/bin/motd', type: 'SymbolicLink', mode: 0o777, linkpath: '../../etc/motd' },
  // Targets resolve inside the container's root: absolute ones and ones climbing past / are legitimate.
  { path: 'usr/bin/sh', type: 'SymbolicLink', mode: 0o777, linkpath: '/bin/busybox', uid: 1000, gid: 1000 },
  { path: 'usr/bin/far', type: 'SymbolicLink', mode: 0o777, linkpath: '../../../../../lib/x' },
  { path: 'usr/bin/sh-hardlink', type: 'Link', mode: 0o777, linkpath: 'usr/bin/sh' },
  dir('dev'), { path: 'dev/null', type: 'CharacterDevice', mode: 0o666, devmajor: 1, devminor: 3 },
];
const upperLayer: TarEntry[] = [
  dir('etc'), file('etc/.wh.motd', ''),
  dir('opt'), file('opt/.wh..wh..opq', ''), file('opt/new', 'new\n'),
];

test('import unpacks layers with owners, modes, links, whiteouts and opaque dirs', async () => {
  const layout = makeLayout([baseLayer, upperLayer]);
  const progress: string[] = [];
  const img = await images.importImage(layout.dir, 'app', (m) => progress.push(m));
  assert.deepEqual(img.layers.map((l) => l.digest), layout.layerDigests);
  assert.deepEqual(img.config, { entrypoint: ['/bin/app'], cmd: [], env: ['A=1'], workingDir: '/', user: '1000:1000' });

  const [base, upper] = img.layers.map((l) => l.dir);
  const notes = fs.statSync(path.join(base, 'home/user/notes'));
  assert.deepEqual([notes.uid, notes.gid, notes.mode & 0o7777], [1000, 1000, 0o600]);
  assert.equal(fs.statSync(path.join(base, 'home/user')).mode & 0o7777, 0o750);
  assert.equal(fs.statSync(path.join(base, 'usr/bin/su')).mode & 0o7777, 0o4755, 'setuid bit lost');
  const sgid = fs.statSync(path.join(base, 'usr/bin/sgid-tool'));
  assert.deepEqual([sgid.uid, sgid.gid, sgid.mode & 0o7777], [1000, 50, 0o6750], 'setuid/setgid lost after chown');
  assert.equal(fs.statSync(path.join(base, 'usr/bin/su2')).ino, fs.statSync(path.join(base, 'usr/bin/su')).ino);
  assert.equal(fs.readlinkSync(path.join(base, 'usr/bin/motd')), '../../etc/motd');
  assert.equal(fs.readlinkSync(path.join(base, 'usr/bin/sh')), '/bin/busybox');
  assert.equal(fs.readlinkSync(path.join(base, 'usr/bin/sh-hardlink')), '/bin/busybox');
  assert.equal(fs.readlinkSync(path.join(base, 'usr/bin/far')), '../../../../../lib/x');
  const sh = fs.lstatSync(path.join(base, 'usr/bin/sh'));
  assert.deepEqual([sh.uid, sh.gid, sh.mtimeMs], [1000, 1000, 0]);
  assert.ok(!progress.some((m) => m.includes('linkpath')), progress.join('\n'));
  assert.equal(fs.statSync(path.join(base, 'etc/passwd')).mtimeMs, 0);
  assert.equal(fs.existsSync(path.join(base, 'dev/null')), false, 'device nodes are skipped');
  assert.ok(progress.some((m) => m.includes('dev/null')), progress.join('\n'));

  const whiteout = fs.lstatSync(path.join(upper, 'etc/motd'));
  assert.ok(whiteout.isCharacterDevice());
  assert.equal(whiteout.rdev, 0);
  assert.equal(fs.existsSync(path.join(upper, 'etc/.wh.motd')), false);
  assert.equal(fs.existsSync(path.join(upper, 'opt/.wh..wh..opq')), false);
  const xattr = execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', path.join(upper, 'opt')], { encoding: 'utf8' });
  assert.equal(xattr, 'y');
  assert.equal(fs.readFileSync(path.join(upper, 'opt/new'), 'utf8'), 'new\n');
  // mknod of the whiteout touched etc/; the archive's mtime (0) is put back.
  assert.equal(fs.statSync(path.join(upper, 'etc')).mtimeMs, 0);
  assert.equal(fs.statSync(path.join(base, 'home/user')).mtimeMs, 0);

  const shifted = await images.shiftedLayerDir(img.layers[1], 100000, 100000);
  const shiftedWhiteout = fs.lstatSync(path.join(shifted, 'etc/motd'));
  assert.ok(shiftedWhiteout.isCharacterDevice());
  assert.deepEqual([shiftedWhiteout.rdev, shiftedWhiteout.uid, shiftedWhiteout.gid], [0, 100000, 100000]);
  assert.equal(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', path.join(shifted, 'opt')], { encoding: 'utf8' }), 'y');
  const shiftedBase = await images.shiftedLayerDir(img.layers[0], 100000, 100000);
  const su = fs.statSync(path.join(shiftedBase, 'usr/bin/su'));
  assert.deepEqual([su.uid, su.mode & 0o7777, su.nlink], [100000, 0o4755, 2], 'a hardlinked inode is shifted once');
});

test('an uncompressed layer and a multi-platform index import the host platform', async () => {
  const layout = makeLayout([[dir('x'), file('x/y', 'z')]], { gzip: false, platforms: ['linux/arm64', 'linux/amd64', 'windows/amd64'] });
  const index = JSON.parse(fs.readFileSync(path.join(layout.dir, 'index.json'), 'utf8'));
  const img = await images.importImage(layout.dir, 'plain');
  assert.equal(img.manifestDigest, index.manifests[process.arch === 'arm64' ? 0 : 1].digest);
  assert.equal(fs.readFileSync(path.join(img.layers[0].dir, 'x/y'), 'utf8'), 'z');
  const stored = JSON.parse(fs.readFileSync(path.join(img.layoutDir, 'index.json'), 'utf8'));
  assert.equal(stored.manifests.length, 1);
});

test('a tampered blob is refused, naming it, and nothing is stored', async () => {
  const layout = makeLayout([[dir('a'), file('a/b', 'original')]]);
  const blob = path.join(layout.dir, 'blobs/sha256', layout.layerDigests[0].slice(7));
  const data = fs.readFileSync(blob);
  data[data.length - 1] ^= 0xff;
  fs.writeFileSync(blob, data);
  await assert.rejects(images.importImage(layout.dir, 'tampered'), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.match(err.message, new RegExp(`blob ${layout.layerDigests[0]} does not match its digest`));
    return true;
  });
  await assert.rejects(images.resolveImage('tampered'), /unknown image/);
  assert.deepEqual(fs.readdirSync(path.join(root, 'images')).filter((n) => n.startsWith('.tmp-')), []);
});

test('a bad field in index.json is named', async () => {
  const layout = makeLayout([[dir('a')]]);
  const index = JSON.parse(fs.readFileSync(path.join(layout.dir, 'index.json'), 'utf8'));
  index.manifests[0].digest = 'md5:abc';
  fs.writeFileSync(path.join(layout.dir, 'index.json'), JSON.stringify(index));
  await assert.rejects(images.importImage(layout.dir, 'badfield'), /index\.json: field manifests\.0\.digest/);
  await assert.rejects(images.importImage('/nonexistent-layout', 'x'), /is not an OCI image layout/);
});

test('hostile tar paths never write outside the layer', async (t) => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-outside-'));
  t.after(() => fs.rmSync(outside, { recursive: true, force: true }));
  fs.writeFileSync(path.join(outside, 'victim'), 'safe');
  const layout = makeLayout([[
    file('../escape', 'x'), file('../../escape2', 'x'), file(`${outside}/abs`, 'x'),
    { path: 'link', type: 'SymbolicLink', mode: 0o777, linkpath: outside },
    file('link/through', 'x'), file('ok', 'fine'),
  ]]);
  const warnings: string[] = [];
  const img = await images.importImage(layout.dir, 'hostile', (m) => warnings.push(m));
  const layerDir = img.layers[0].dir;
  assert.equal(fs.readFileSync(path.join(layerDir, 'ok'), 'utf8'), 'fine');
  assert.equal(fs.existsSync(path.join(path.dirname(layerDir), 'escape')), false);
  assert.equal(fs.existsSync(path.join(root, 'layers', 'escape2')), false);
  assert.deepEqual(fs.readdirSync(outside), ['victim']);
  assert.ok(warnings.some((w) => w.includes('refused')), warnings.join('\n'));

  // A whiteout planted through a symlink must not mknod outside either.
  const viaLink = makeLayout([[
    { path: 'link', type: 'SymbolicLink', mode: 0o777, linkpath: outside }, file('link/.wh.victim', ''),
  ]]);
  await assert.rejects(images.importImage(viaLink.dir, 'hostile2'), UserError);
  assert.equal(fs.readFileSync(path.join(outside, 'victim'), 'utf8'), 'safe');
});
