// store.ts - the image store: named OCI layouts under imageStore/, layers unpacked once under layerStore/sha256/<hex>/.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../errors.ts';
import { imageStore, layerStore } from '../paths.ts';
import {
  blobPath, configSchema, type Descriptor, type ImageConfig, indexSchema, layerCompression, manifestSchema,
  mediaTypes, parseJson, readLayout, readVerifiedBlob, refNameAnnotation,
} from './layout.ts';
import { unpackLayerBlob } from './unpack.ts';

export interface ImageLayer { digest: string; diffId: string; size: number; dir: string }
export interface ImageRuntimeConfig { entrypoint: string[]; cmd: string[]; env: string[]; workingDir: string; user: string }
export interface ResolvedImage { name: string; manifestDigest: string; layers: ImageLayer[]; config: ImageRuntimeConfig; layoutDir: string }

const namePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const noImageHint = 'glassbox image ls lists them; glassbox image build makes busybox';

export function checkImageName(name: string): void {
  if (!namePattern.test(name)) {
    throw new UserError(`invalid image name "${name}"`, 'use 1-64 characters: lowercase letters, digits, ".", "_", "-", starting with a letter or digit');
  }
}

function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

export function unpackedLayerDir(digest: string): string {
  return path.join(layerStore, 'sha256', hexOf(digest));
}

/** A temp name next to `finalPath`, on the same filesystem so rename(2) is atomic. */
export function tempSibling(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.tmp-${path.basename(finalPath)}-${crypto.randomBytes(4).toString('hex')}`);
}

/** rename(2) a finished temp dir into place; if another import won the race, keep theirs (same content by digest). */
export function renameIntoPlace(tempDir: string, finalDir: string): void {
  try {
    fs.renameSync(tempDir, finalDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fs.rmSync(tempDir, { recursive: true, force: true });
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
}

/** Copies one blob into the store while hashing it; a mismatch is refused, naming the blob. */
async function copyVerifiedBlob(srcLayout: string, dstLayout: string, desc: Descriptor, what: string): Promise<void> {
  const src = blobPath(srcLayout, desc.digest);
  const dst = blobPath(dstLayout, desc.digest);
  if (!fs.existsSync(src)) throw new UserError(`${what} blob ${desc.digest} is missing from ${srcLayout}`, `expected the file ${src}`);
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  const hash = crypto.createHash('sha256');
  let size = 0;
  const tap = new Transform({ transform(chunk: Buffer, _e, done) { hash.update(chunk); size += chunk.length; done(null, chunk); } });
  await pipeline(fs.createReadStream(src), tap, fs.createWriteStream(dst));
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== desc.digest) throw new UserError(`${what} blob ${desc.digest} does not match its digest (its content hashes to ${actual})`);
  if (size !== desc.size) throw new UserError(`${what} blob ${desc.digest} is ${size} bytes, its descriptor says ${desc.size}`);
}

// One unpack per layer at a time within this process; other processes are handled by the atomic rename.
const unpacking = new Map<string, Promise<string>>();

/** The unpacked dir of a layer, unpacking the blob (already verified) into a temp dir and renaming it if not present. */
export function ensureLayerUnpacked(layoutDir: string, desc: Descriptor, diffId: string, onProgress: (msg: string) => void): Promise<string> {
  const finalDir = unpackedLayerDir(desc.digest);
  if (fs.existsSync(finalDir)) return Promise.resolve(finalDir);
  const pending = unpacking.get(finalDir);
  if (pending) return pending;
  const work = (async () => {
    fs.mkdirSync(path.dirname(finalDir), { recursive: true });
    const tempDir = tempSibling(finalDir);
    fs.mkdirSync(tempDir, { mode: 0o755 });
    try {
      const result = await unpackLayerBlob(blobPath(layoutDir, desc.digest), layerCompression(desc), tempDir, onProgress);
      if (result.diffId !== diffId) {
        throw new UserError(`layer ${desc.digest} unpacks to ${result.diffId}, but the config's rootfs.diff_ids says ${diffId}`);
      }
      renameIntoPlace(tempDir, finalDir);
      onProgress(`unpacked layer ${desc.digest.slice(7, 19)}: ${result.files} entries`);
      return finalDir;
    } catch (err) {
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    } finally {
      unpacking.delete(finalDir);
    }
  })();
  unpacking.set(finalDir, work);
  return work;
}

function runtimeConfig(config: ImageConfig): ImageRuntimeConfig {
  const c = config.config ?? {};
  return {
    entrypoint: c.Entrypoint ?? [],
    cmd: c.Cmd ?? [],
    env: c.Env ?? [],
    workingDir: c.WorkingDir || '/',
    user: c.User ?? '',
  };
}

/** Copies the chosen manifest, its config and layers from `layoutDir` into imageStore/<name>/ and unpacks the layers. */
export async function importImage(layoutDir: string, name: string, onProgress: (msg: string) => void = () => {}): Promise<ResolvedImage> {
  checkImageName(name);
  const srcDir = path.resolve(layoutDir);
  const { manifestDesc, manifest, config } = readLayout(srcDir, name);
  const finalDir = path.join(imageStore, name);
  fs.mkdirSync(imageStore, { recursive: true });
  const tempDir = tempSibling(finalDir);
  fs.mkdirSync(tempDir);
  try {
    fs.writeFileSync(path.join(tempDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await copyVerifiedBlob(srcDir, tempDir, manifestDesc, 'manifest');
    await copyVerifiedBlob(srcDir, tempDir, manifest.config, 'config');
    for (const [i, layer] of manifest.layers.entries()) {
      onProgress(`layer ${i + 1}/${manifest.layers.length}: copying ${layer.digest.slice(7, 19)} (${layer.size} bytes)`);
      await copyVerifiedBlob(srcDir, tempDir, layer, `layer ${i + 1}`);
    }
    // The stored index names just the manifest we chose, tagged with the image's name.
    const storedDesc = { ...manifestDesc, annotations: { ...manifestDesc.annotations, [refNameAnnotation]: name } };
    fs.writeFileSync(path.join(tempDir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.index, manifests: [storedDesc] }, null, 2));
    // Unpack from the verified copies, so what is unpacked is what was hashed.
    for (const [i, layer] of manifest.layers.entries()) {
      await ensureLayerUnpacked(tempDir, layer, config.rootfs.diff_ids[i], onProgress);
    }
    if (fs.existsSync(finalDir)) fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(tempDir, finalDir);
  } catch (err) {
    fs.rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
  onProgress(`imported ${name} (${manifestDesc.digest})`);
  return resolveImage(name);
}

/** Reads a stored image; layers missing from the layer store (pruned, crashed) are unpacked again. */
export async function resolveImage(name: string): Promise<ResolvedImage> {
  if (!namePattern.test(name) || !fs.existsSync(path.join(imageStore, name, 'index.json'))) {
    throw new UserError(`unknown image "${name}" (${noImageHint})`);
  }
  const layoutDir = path.join(imageStore, name);
  const index = parseJson(indexSchema, fs.readFileSync(path.join(layoutDir, 'index.json'), 'utf8'), `${layoutDir}/index.json`);
  if (index.manifests.length !== 1) throw new UserError(`stored image ${name} has ${index.manifests.length} manifests; re-import it`);
  const manifestDesc = index.manifests[0];
  const manifest = parseJson(manifestSchema, readVerifiedBlob(layoutDir, manifestDesc, 'manifest').toString('utf8'), `manifest ${manifestDesc.digest}`);
  const config = parseJson(configSchema, readVerifiedBlob(layoutDir, manifest.config, 'config').toString('utf8'), `config ${manifest.config.digest}`);
  const layers: ImageLayer[] = [];
  for (const [i, layer] of manifest.layers.entries()) {
    const diffId = config.rootfs.diff_ids[i];
    const dir = await ensureLayerUnpacked(layoutDir, layer, diffId, () => {});
    layers.push({ digest: layer.digest, diffId, size: layer.size, dir });
  }
  return { name, manifestDigest: manifestDesc.digest, layers, config: runtimeConfig(config), layoutDir };
}

function storedImageNames(): string[] {
  let names: string[];
  try { names = fs.readdirSync(imageStore); } catch { return []; }
  return names.filter((n) => namePattern.test(n) && fs.existsSync(path.join(imageStore, n, 'index.json'))).sort();
}

export async function listImages(): Promise<Array<{ name: string; manifestDigest: string; layers: number; size: number }>> {
  const out = [];
  for (const name of storedImageNames()) {
    const layoutDir = path.join(imageStore, name);
    const index = parseJson(indexSchema, fs.readFileSync(path.join(layoutDir, 'index.json'), 'utf8'), `${layoutDir}/index.json`);
    const manifestDesc = index.manifests[0];
    if (!manifestDesc) continue;
    const manifest = parseJson(manifestSchema, fs.readFileSync(blobPath(layoutDir, manifestDesc.digest), 'utf8'), `manifest ${manifestDesc.digest}`);
    const size = manifest.layers.reduce((sum, l) => sum + l.size, 0);
    out.push({ name, manifestDigest: manifestDesc.digest, layers: manifest.layers.length, size });
  }
  return out;
}

export async function removeImage(name: string): Promise<void> {
  checkImageName(name);
  const dir = path.join(imageStore, name);
  if (!fs.existsSync(dir)) throw new UserError(`unknown image "${name}" (${noImageHint})`);
  // Unpacked layers stay: other images may share them; pruneLayers() removes the unreferenced ones.
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Absolute paths of the unpacked layers in the layer store. */
export function listLayerDirs(): string[] {
  const base = path.join(layerStore, 'sha256');
  let names: string[];
  try { names = fs.readdirSync(base); } catch { return []; }
  return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).sort().map((n) => path.join(base, n));
}

function referencedLayerHexes(): Set<string> {
  const hexes = new Set<string>();
  for (const name of storedImageNames()) {
    const layoutDir = path.join(imageStore, name);
    const index = parseJson(indexSchema, fs.readFileSync(path.join(layoutDir, 'index.json'), 'utf8'), `${layoutDir}/index.json`);
    for (const desc of index.manifests) {
      const manifest = parseJson(manifestSchema, fs.readFileSync(blobPath(layoutDir, desc.digest), 'utf8'), `manifest ${desc.digest}`);
      for (const layer of manifest.layers) hexes.add(hexOf(layer.digest));
    }
  }
  return hexes;
}

/** Removes unpacked (and uid-shifted) layers no stored image references, and leftover temp dirs; returns how many layers went. */
export async function pruneLayers(): Promise<number> {
  const keep = referencedLayerHexes();
  let removed = 0;
  const base = path.join(layerStore, 'sha256');
  for (const name of safeReaddir(base)) {
    if (keep.has(name)) continue;
    const isTemp = name.startsWith('.tmp-');
    // A temp dir may belong to an unpack running right now; only old ones are leftovers of a crash.
    if (isTemp && Date.now() - safeMtime(path.join(base, name)) < 3600_000) continue;
    fs.rmSync(path.join(base, name), { recursive: true, force: true });
    if (!isTemp) removed++;
  }
  const shiftedBase = path.join(layerStore, 'shifted');
  for (const range of safeReaddir(shiftedBase)) {
    for (const name of safeReaddir(path.join(shiftedBase, range))) {
      if (!keep.has(name)) fs.rmSync(path.join(shiftedBase, range, name), { recursive: true, force: true });
    }
  }
  return removed;
}

function safeMtime(file: string): number {
  try { return fs.lstatSync(file).mtimeMs; } catch { return 0; }
}

function safeReaddir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}
