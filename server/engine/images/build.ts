// build.ts - builds the default "busybox" image: a base layer from Debian's busybox-static, a tools layer from native/out.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { UserError } from '../errors.ts';
import { nativeOut } from '../paths.ts';
import { hostArchitecture, mediaTypes, refNameAnnotation, sha256Hex } from './layout.ts';
import { importImage, type ResolvedImage } from './store.ts';
import { sortEntries, type TarEntry, writeTar } from './tarWriter.ts';

const busyboxCandidates = ['/bin/busybox', '/usr/bin/busybox'];
const imageName = 'busybox';

/** True if the ELF file has no PT_INTERP program header, i.e. needs no dynamic loader inside the container. */
function isStaticElf(file: string): boolean {
  const buf = fs.readFileSync(file);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2) return false; // 64-bit ELF only
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (buf.readUInt32LE(phoff + i * phentsize) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

function findBusybox(): string {
  const found = busyboxCandidates.find((p) => fs.existsSync(p));
  const hint = 'install it: apt-get install busybox-static';
  if (!found) throw new UserError('busybox is not installed', hint);
  if (!isStaticElf(found)) throw new UserError(`${found} is dynamically linked; the image needs the static one`, hint);
  return found;
}

const dir = (p: string, mode = 0o755): TarEntry => ({ path: p, type: 'Directory', mode });
const file = (p: string, content: string | Buffer, mode = 0o644): TarEntry => ({ path: p, type: 'File', mode, data: Buffer.from(content) });

function baseLayerEntries(busybox: string): TarEntry[] {
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'busybox' && s !== '.' && s !== '..' && !s.includes('/')); // keeps "[" and "[["
  const entries: TarEntry[] = [
    ...['bin', 'dev', 'etc', 'home', 'proc', 'run', 'sbin', 'sys', 'usr', 'usr/bin', 'usr/sbin', 'var'].map((p) => dir(p)),
    dir('root', 0o700),
    dir('tmp', 0o1777),
    file('bin/busybox', fs.readFileSync(busybox), 0o755),
    ...applets.map((a): TarEntry => ({ path: `bin/${a}`, type: 'SymbolicLink', mode: 0o777, linkpath: 'busybox' })),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'),
    file('etc/group', 'root:x:0:\nnogroup:x:65534:\n'),
    file('etc/hostname', 'glassbox\n'),
    file('etc/os-release', 'NAME="Glassbox busybox"\nID=glassbox\nPRETTY_NAME="Glassbox busybox (Debian busybox-static)"\n'),
    file('etc/profile', "export PS1='\\u@\\h:\\w\\$ '\n"),
  ];
  return sortEntries(entries);
}

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The tools layer: given a toolsDir, every executable in it; by default only native/out/gbprobe (the lab's probe). */
function toolsLayerEntries(toolsDir: string | undefined): TarEntry[] {
  const sourceDir = toolsDir ?? nativeOut;
  let names: string[] = [];
  try { names = fs.readdirSync(sourceDir).sort(); } catch { names = []; }
  if (!toolsDir) names = names.filter((n) => n === 'gbprobe');
  const tools = names.filter((n) => isExecutableFile(path.join(sourceDir, n)));
  const entries: TarEntry[] = [
    dir('etc'),
    // Always present, so the image has two layers even before native/ is built.
    file('etc/glassbox-release', `Glassbox tools layer\ntools: ${tools.join(' ') || '(none)'}\n`),
    dir('usr'), dir('usr/local'), dir('usr/local/bin'),
    ...tools.map((n) => file(`usr/local/bin/${n}`, fs.readFileSync(path.join(sourceDir, n)), 0o755)),
  ];
  return sortEntries(entries);
}

interface BuiltBlob { digest: string; size: number; data: Buffer }

function blob(data: Buffer): BuiltBlob {
  return { digest: `sha256:${sha256Hex(data)}`, size: data.length, data };
}

/** Builds the layout in a temp dir and imports it, so the built image takes exactly the path an imported one does. */
export async function buildDefaultImage(opts: { toolsDir?: string; onProgress?: (msg: string) => void } = {}): Promise<ResolvedImage> {
  const onProgress = opts.onProgress ?? (() => {});
  const busybox = findBusybox();
  const layerEntries = [baseLayerEntries(busybox), toolsLayerEntries(opts.toolsDir)];
  const tars = layerEntries.map((entries, i) => {
    onProgress(`layer ${i + 1}/${layerEntries.length}: ${entries.length} files`);
    return writeTar(entries);
  });
  // gzip's header carries no file name or mtime here (Node writes mtime 0), so the blob is reproducible.
  const layers = tars.map((t) => blob(zlib.gzipSync(t, { level: 6 })));
  const config = blob(Buffer.from(JSON.stringify({
    created: '1970-01-01T00:00:00Z',
    architecture: hostArchitecture(),
    os: 'linux',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'TERM=xterm-256color'],
      Cmd: ['/bin/sh'],
      WorkingDir: '/',
    },
    rootfs: { type: 'layers', diff_ids: tars.map((t) => `sha256:${sha256Hex(t)}`) },
    history: [
      { created: '1970-01-01T00:00:00Z', created_by: `glassbox image build: ${busybox} and its applet links` },
      { created: '1970-01-01T00:00:00Z', created_by: 'glassbox image build: lab tools into /usr/local/bin' },
    ],
  }, null, 2)));
  const descriptor = (mediaType: string, b: BuiltBlob) => ({ mediaType, digest: b.digest, size: b.size });
  const manifest = blob(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: descriptor(mediaTypes.config, config),
    layers: layers.map((l) => descriptor(mediaTypes.layerGzip, l)),
  }, null, 2)));

  const layoutDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-build-'));
  try {
    fs.mkdirSync(path.join(layoutDir, 'blobs', 'sha256'), { recursive: true });
    for (const b of [...layers, config, manifest]) fs.writeFileSync(path.join(layoutDir, 'blobs', 'sha256', b.digest.slice(7)), b.data);
    fs.writeFileSync(path.join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    fs.writeFileSync(path.join(layoutDir, 'index.json'), JSON.stringify({
      schemaVersion: 2,
      mediaType: mediaTypes.index,
      manifests: [{ ...descriptor(mediaTypes.manifest, manifest), annotations: { [refNameAnnotation]: imageName } }],
    }, null, 2));
    return await importImage(layoutDir, imageName, onProgress);
  } finally {
    fs.rmSync(layoutDir, { recursive: true, force: true });
  }
}
