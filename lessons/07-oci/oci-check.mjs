// oci-check.mjs - the OCI lesson's checks: a learner's config.json or image layout, read from the container, judged by glassbox's own parsers.
// Usage (from a verify script, on the host, with GB_EXEC set):
//   node oci-check.mjs config FILE [--kernel UIDMAP GIDMAP NNP NOFILE]   config.json inside the container
//   node oci-check.mjs layout DIR                                          an OCI image layout inside the container
// Exit 0 = passed; otherwise the last line printed is one hint.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const MAX_BLOB = 16 * 1024 * 1024;

/** A failed check: thrown so that cleanup (finally) still runs; its message is the hint. */
class Hint extends Error {}
function fail(hint) {
  throw new Hint(hint);
}

/** A file's bytes from inside the container (GB_EXEC cat), or null when it cannot be read there. */
function readInside(file) {
  const words = (process.env.GB_EXEC ?? '').split(' ').filter(Boolean);
  if (!words.length) fail('GB_EXEC is not set: this checker runs from a verify script');
  const r = spawnSync(words[0], [...words.slice(1), 'cat', file], { maxBuffer: MAX_BLOB, timeout: 5000 });
  return r.status === 0 ? r.stdout : null;
}

/** The engine's own modules: this lesson ships inside the glassbox checkout (lessons/07-oci/ → ../../server). */
async function engine(rel) {
  const file = new URL(`../../server/${rel}`, import.meta.url);
  if (!fs.existsSync(file)) fail(`cannot find glassbox's ${rel} next to this lesson: the check needs the checkout the lesson ships in`);
  const { register } = await import('tsx/esm/api');
  register();
  return import(file.href);
}

async function checkConfig(file, kernel) {
  const raw = readInside(file);
  if (raw === null) fail(`there is no ${file} in the container yet: write it (cat > ${file} <<'EOF' ... EOF)`);
  let json;
  try { json = JSON.parse(raw.toString('utf8')); } catch (e) { fail(`${file} is not valid JSON: ${e.message}`); }
  const { configProblems } = await engine('engine/config/parse.ts');
  const problems = configProblems(json);
  if (problems.length) fail(`${file}: ${problems[0].line}${problems[0].hint ? ` (${problems[0].hint})` : ''}`);
  console.log(`${file}: glassbox's parser accepts it`);
  if (path.posix.normalize(json.root.path).replace(/\/$/, '') !== 'rootfs' && path.posix.resolve(path.posix.dirname(file), json.root.path) !== path.posix.join(path.posix.dirname(file), 'rootfs')) {
    fail(`root.path is "${json.root.path}": point it at the bundle's rootfs directory ("rootfs", relative to the bundle)`);
  }
  const types = (json.linux?.namespaces ?? []).map((n) => n.type);
  const missing = ['pid', 'mount', 'uts'].filter((t) => !types.includes(t));
  if (missing.length) fail(`linux.namespaces lacks ${missing.map((t) => `{"type": "${t}"}`).join(', ')}: ask for pid, mount and uts namespaces at least`);
  if (!json.hostname) fail('the config sets no hostname: add "hostname": "bundle" (it needs the uts namespace)');
  if (!json.process.args[0].startsWith('/')) fail(`process.args[0] is "${json.process.args[0]}": give the program's absolute path inside the rootfs, e.g. "/bin/sh"`);
  if (kernel) checkKernel(json, kernel);
  // The last line of a passing check: the program the runtime would exec, for the verify script to look for in the rootfs.
  console.log(`arg0 ${json.process.args[0]}`);
}

/** Step 3: the config describes the learner's own container, as the kernel reports it. */
function checkKernel(json, [uidMap, gidMap, noNewPrivs, nofile]) {
  const mapOf = (text) => text.trim().split(/\s+/).map(Number);
  const want = (name, entries, map) => {
    const [containerID, hostID, size] = mapOf(map);
    const ok = entries?.length === 1 && entries[0].containerID === containerID && entries[0].hostID === hostID && entries[0].size === size;
    if (!ok) fail(`linux.${name} should be [{"containerID": ${containerID}, "hostID": ${hostID}, "size": ${size}}], as /proc/self/${name === 'uidMappings' ? 'uid_map' : 'gid_map'} shows`);
  };
  if (!(json.linux?.namespaces ?? []).some((n) => n.type === 'user')) fail('linux.namespaces lacks {"type": "user"}: mappings belong to a user namespace');
  want('uidMappings', json.linux?.uidMappings, uidMap);
  want('gidMappings', json.linux?.gidMappings, gidMap);
  if ((json.process.noNewPrivileges === true) !== (noNewPrivs === '1')) fail(`process.noNewPrivileges should be ${noNewPrivs === '1'}: /proc/self/status says NoNewPrivs: ${noNewPrivs}`);
  const rl = (json.process.rlimits ?? []).find((r) => r.type === 'RLIMIT_NOFILE');
  if (!rl || String(rl.soft) !== nofile || String(rl.hard) !== nofile) fail(`process.rlimits should hold {"type": "RLIMIT_NOFILE", "soft": ${nofile}, "hard": ${nofile}}, as /proc/1/limits shows`);
  console.log('the config describes this container: uid and gid maps, no_new_privs, RLIMIT_NOFILE');
}

const sha256 = (data) => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

/** The challenge: a whole OCI image layout, copied file by file out of the container, read by glassbox's importer. */
async function checkLayout(dir) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-check-'));
  try {
    for (const name of ['oci-layout', 'index.json']) {
      const data = readInside(`${dir}/${name}`);
      if (data === null) fail(`${dir}/${name} is missing: an image layout has oci-layout, index.json and blobs/sha256/`);
      fs.writeFileSync(path.join(tmp, name), data);
    }
    // Copy only what the index and manifest name, under names we build from validated digests.
    const copyBlob = (digest) => {
      if (!/^sha256:[a-f0-9]{64}$/.test(String(digest))) fail(`"${digest}" is not a digest: sha256:<64 hex digits>`);
      const hex = digest.slice(7);
      const data = readInside(`${dir}/blobs/sha256/${hex}`);
      if (data === null) fail(`blob ${digest} is missing: expected the file ${dir}/blobs/sha256/${hex}`);
      fs.mkdirSync(path.join(tmp, 'blobs', 'sha256'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'blobs', 'sha256', hex), data);
      return data;
    };
    let index;
    try { index = JSON.parse(fs.readFileSync(path.join(tmp, 'index.json'), 'utf8')); } catch (e) { fail(`${dir}/index.json is not valid JSON: ${e.message}`); }
    for (const m of index.manifests ?? []) {
      const manifestData = copyBlob(m.digest);
      let manifest;
      try { manifest = JSON.parse(manifestData.toString('utf8')); } catch { continue; /* the importer names this below */ }
      if (manifest.config?.digest) copyBlob(manifest.config.digest);
    }
    const { readLayout } = await engine('engine/images/layout.ts');
    let read;
    try { read = readLayout(tmp, 'mine'); } catch (e) { if (e instanceof Hint) throw e; fail(`${String(e.message).replaceAll(tmp, dir)}${e.hint ? ` (${String(e.hint).replaceAll(tmp, dir)})` : ''}`); }
    const { manifest, config } = read;
    if (!manifest.layers.length) fail('the manifest lists no layers: add the layer blob of your rootfs');
    manifest.layers.forEach((layer, i) => {
      const data = copyBlob(layer.digest);
      if (sha256(data) !== layer.digest) fail(`layer ${i} does not match its digest (its content hashes to ${sha256(data)})`);
      if (data.length !== layer.size) fail(`layer ${i} is ${data.length} bytes, its descriptor says ${layer.size}`);
      let tar;
      try { tar = layer.mediaType.endsWith('+gzip') ? zlib.gunzipSync(data) : data; } catch { fail(`layer ${i} is not gzip data, yet its mediaType says +gzip`); }
      if (sha256(tar) !== config.rootfs.diff_ids[i]) fail(`rootfs.diff_ids[${i}] should be ${sha256(tar)}: the sha256 of the layer's uncompressed tar`);
    });
    const args = [...(config.config?.Entrypoint ?? []), ...(config.config?.Cmd ?? [])];
    if (!args.length) fail('the image config has no config.Cmd: give the image a default command, e.g. ["/bin/sh"]');
    console.log(`${dir}: oci-layout, index.json → manifest → config + ${manifest.layers.length} layer(s), every digest, size and diff_id right; Cmd ${JSON.stringify(args)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const [mode, target, flag, ...rest] = process.argv.slice(2);
try {
  if (mode === 'config') await checkConfig(target, flag === '--kernel' ? rest : null);
  else if (mode === 'layout') await checkLayout(target);
  else fail('usage: oci-check.mjs config FILE [--kernel UIDMAP GIDMAP NNP NOFILE] | layout DIR');
} catch (e) {
  if (!(e instanceof Hint)) throw e;
  console.log(e.message);
  process.exitCode = 1;
}
