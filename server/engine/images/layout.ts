// layout.ts - reads and validates OCI image layouts (image-spec v1.1): oci-layout, index.json, manifest, config, blobs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';

export const mediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  // Docker's types, which `skopeo copy --format v2s2` and older tools still write into OCI layouts.
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export const refNameAnnotation = 'org.opencontainers.image.ref.name';

const digestSchema = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'expected sha256:<64 lowercase hex digits>');

export const descriptorSchema = z.object({
  mediaType: z.string(),
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: z.object({ architecture: z.string(), os: z.string(), variant: z.string().optional() }).loose().optional(),
}).loose();
export type Descriptor = z.infer<typeof descriptorSchema>;

export const ociLayoutSchema = z.object({ imageLayoutVersion: z.string() }).loose();

export const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
}).loose();

export const manifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
}).loose();
export type Manifest = z.infer<typeof manifestSchema>;

const stringList = z.array(z.string()).nullish();
export const configSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  config: z.object({
    User: z.string().optional(),
    Env: stringList,
    Entrypoint: stringList,
    Cmd: stringList,
    WorkingDir: z.string().optional(),
  }).loose().nullish(),
  rootfs: z.object({ type: z.literal('layers'), diff_ids: z.array(digestSchema) }),
}).loose();
export type ImageConfig = z.infer<typeof configSchema>;

/** Parses JSON text with a zod schema; the error names the file and the field, never a stack trace. */
export function parseJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new UserError(`${what}: field ${field}: ${issue.message}`);
  }
  return result.data;
}

export function blobPath(layoutDir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return path.join(layoutDir, 'blobs', algorithm, hex);
}

export function sha256Hex(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Reads a small JSON blob (manifest, config, index) and checks its size and sha256 against the descriptor. */
export function readVerifiedBlob(layoutDir: string, desc: Descriptor, what: string): Buffer {
  const file = blobPath(layoutDir, desc.digest);
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    throw new UserError(`${what} blob ${desc.digest} is missing from ${layoutDir}`, `expected the file ${file}`);
  }
  const actual = `sha256:${sha256Hex(data)}`;
  if (actual !== desc.digest) {
    throw new UserError(`${what} blob ${desc.digest} does not match its digest (its content hashes to ${actual})`);
  }
  if (data.length !== desc.size) {
    throw new UserError(`${what} blob ${desc.digest} is ${data.length} bytes, its descriptor says ${desc.size}`);
  }
  return data;
}

/** The OCI architecture name of this host (Go's GOARCH spelling). */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? process.arch;
}

function describe(desc: Descriptor): string {
  const ref = desc.annotations?.[refNameAnnotation];
  const platform = desc.platform ? `${desc.platform.os}/${desc.platform.architecture}` : '';
  return [desc.digest.slice(0, 19), ref && `ref ${ref}`, platform].filter(Boolean).join(' ');
}

/**
 * Chooses one entry of an index: the only one; else those whose ref.name annotation matches `name` (or "latest");
 * then the one for linux/<host architecture>. Nested indexes (multi-arch under a tag) are followed.
 */
export function pickManifest(layoutDir: string, manifests: Descriptor[], name: string, depth = 0): Descriptor {
  if (manifests.length === 0) throw new UserError(`the index of ${layoutDir} lists no manifests`);
  let candidates = manifests;
  for (const ref of [name, 'latest']) {
    const byRef = candidates.filter((d) => d.annotations?.[refNameAnnotation] === ref);
    if (candidates.length > 1 && byRef.length > 0) candidates = byRef;
  }
  if (candidates.length > 1) {
    const arch = hostArchitecture();
    const byPlatform = candidates.filter((d) => d.platform?.os === 'linux' && d.platform.architecture === arch);
    if (byPlatform.length > 0) candidates = byPlatform;
  }
  if (candidates.length > 1) {
    throw new UserError(
      `the index of ${layoutDir} has ${candidates.length} manifests and none is clearly the one to import`,
      `candidates: ${candidates.map(describe).join('; ')}`,
    );
  }
  const chosen = candidates[0];
  if (chosen.mediaType === mediaTypes.index || chosen.mediaType === mediaTypes.dockerList) {
    if (depth > 2) throw new UserError(`the index of ${layoutDir} nests image indexes too deeply`);
    const nested = parseJson(indexSchema, readVerifiedBlob(layoutDir, chosen, 'index').toString('utf8'), `index ${chosen.digest}`);
    return pickManifest(layoutDir, nested.manifests, name, depth + 1);
  }
  if (chosen.mediaType !== mediaTypes.manifest && chosen.mediaType !== mediaTypes.dockerManifest) {
    throw new UserError(`manifest ${chosen.digest} has media type ${chosen.mediaType}, expected ${mediaTypes.manifest}`);
  }
  return chosen;
}

/** Whether a layer blob is gzip-compressed, from its media type; other compressions are refused clearly. */
export function layerCompression(desc: Descriptor): 'gzip' | 'none' {
  const type = desc.mediaType;
  if (type === mediaTypes.layerGzip || type === mediaTypes.dockerLayerGzip) return 'gzip';
  if (type === mediaTypes.layerTar) return 'none';
  if (type.endsWith('+zstd')) {
    throw new UserError(`layer ${desc.digest} is zstd-compressed, which this Node version cannot read`, 'convert it: skopeo copy --dest-compress-format gzip ...');
  }
  throw new UserError(`layer ${desc.digest} has unsupported media type ${type}`);
}

/** Reads and checks a whole layout: oci-layout, index.json, the chosen manifest and its config. */
export function readLayout(layoutDir: string, name: string): { manifestDesc: Descriptor; manifest: Manifest; config: ImageConfig } {
  let layoutText: string;
  let indexText: string;
  try {
    layoutText = fs.readFileSync(path.join(layoutDir, 'oci-layout'), 'utf8');
    indexText = fs.readFileSync(path.join(layoutDir, 'index.json'), 'utf8');
  } catch {
    throw new UserError(`${layoutDir} is not an OCI image layout (no oci-layout or index.json)`, 'make one with: skopeo copy docker://IMAGE oci:DIR');
  }
  const ociLayout = parseJson(ociLayoutSchema, layoutText, `${layoutDir}/oci-layout`);
  if (!ociLayout.imageLayoutVersion.startsWith('1.')) {
    throw new UserError(`${layoutDir}/oci-layout: imageLayoutVersion ${ociLayout.imageLayoutVersion} is not supported (expected 1.x)`);
  }
  const index = parseJson(indexSchema, indexText, `${layoutDir}/index.json`);
  const manifestDesc = pickManifest(layoutDir, index.manifests, name);
  const manifest = parseJson(manifestSchema, readVerifiedBlob(layoutDir, manifestDesc, 'manifest').toString('utf8'), `manifest ${manifestDesc.digest}`);
  const config = parseJson(configSchema, readVerifiedBlob(layoutDir, manifest.config, 'config').toString('utf8'), `config ${manifest.config.digest}`);
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new UserError(`config ${manifest.config.digest}: rootfs.diff_ids has ${config.rootfs.diff_ids.length} entries but the manifest lists ${manifest.layers.length} layers`);
  }
  for (const layer of manifest.layers) layerCompression(layer);
  return { manifestDesc, manifest, config };
}
