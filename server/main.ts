// main.ts - the lab's one process and one port: the static export of the web app (out/) and socket.io on one HTTP server.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { ID_PATTERN } from '../app/lib/limits.ts';
import { repoRoot } from './engine/paths.ts';
import { isLearnerId, learnerCookie, learnerIdFrom, newLearnerId } from './sessions/identity.ts';
import { Sessions, type SessionsOptions } from './sessions/manager.ts';
import { attachSockets } from './socket/index.ts';
import { extraHostsFromEnv, hostAllowed, type HostPolicy } from './socket/origin.ts';

export interface ServerOptions extends Omit<SessionsOptions, 'lessonsDir'> {
  port?: number; // default 3000; 0 picks a free port
  host?: string; // default 127.0.0.1 (loopback): another address exposes the lab
  lessonsDir?: string;
  staticDir?: string; // default <repo>/out
  /** Extra Host names (a reverse proxy's, a workshop DNS name); default GLASSBOX_ALLOWED_HOSTS. */
  allowedHosts?: string[];
}

export interface RunningServer {
  url: string;
  port: number;
  sessions: Sessions;
  /** Stops accepting, deletes every container of every learner, closes the store and the port. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf',
  '.map': 'application/json', '.wasm': 'application/wasm', '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Glassbox</title>
<h1>Glassbox is running, but its web app is not built</h1>
<p>Run <code>scripts/setup.sh</code> (it builds the static export into <code>out/</code>), then restart <code>glassbox serve</code>.</p>`;

/** Next.js puts its hydration data in inline scripts; their hashes (not 'unsafe-inline') let exactly those run. */
const hashCache = new Map<string, { mtimeMs: number; hashes: string[] }>();
function inlineScriptHashes(file: string, html: string, mtimeMs: number): string[] {
  const hit = hashCache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.hashes;
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    if (m[1]) hashes.add(`'sha256-${crypto.createHash('sha256').update(m[1]).digest('base64')}'`);
  }
  const list = [...hashes];
  if (hashCache.size > 500) hashCache.clear();
  hashCache.set(file, { mtimeMs, hashes: list });
  return list;
}

/** Mermaid renders with d3 and DOMPurify and needs no eval (only d3-dsv's CSV parser uses new Function, and it is
 *  not used for diagrams), so 'unsafe-eval' stays out. Inline styles are allowed: mermaid's SVGs carry <style>. */
function csp(host: string, scriptHashes: string[]): string {
  return [
    "default-src 'self'", `script-src 'self' ${scriptHashes.join(' ')}`.trim(), "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:", "font-src 'self' data:", `connect-src 'self' ws://${host} wss://${host}`,
    "worker-src 'self' blob:", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}

function isHttps(req: http.IncomingMessage): boolean {
  return !!(req.socket as TLSSocket).encrypted || (process.env.GLASSBOX_TRUST_PROXY === '1' && req.headers['x-forwarded-proto'] === 'https');
}

/** Resolve a URL path to a file under root, or null. Never leaves root: `..`, encoded slashes, NULs and symlinks out are refused. */
export function resolveStatic(root: string, urlPath: string): { file: string } | { redirect: string } | null {
  let decoded: string;
  try { decoded = decodeURIComponent(urlPath); } catch { return null; }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  const normal = path.posix.normalize(decoded);
  if (normal.split('/').includes('..')) return null;
  const target = path.join(root, normal);
  if (target !== root && !target.startsWith(root + path.sep)) return null;
  const candidates = normal.endsWith('/') ? [path.join(target, 'index.html')] : [target, `${target}.html`];
  for (const c of candidates) {
    let st: fs.Stats;
    try { st = fs.statSync(c); } catch { continue; }
    if (st.isDirectory()) {
      // /lesson → /lesson/ (the export's trailing-slash pages); a directory without index.html is not listed
      return fs.existsSync(path.join(c, 'index.html')) ? { redirect: `${normal}/` } : null;
    }
    if (!st.isFile()) return null;
    let real: string;
    try { real = fs.realpathSync(c); } catch { return null; }
    const realRoot = fs.realpathSync(root);
    if (!real.startsWith(realRoot + path.sep)) return null;
    return { file: real };
  }
  return null;
}

/**
 * A lesson page is being loaded: its container and shell are started now (Sessions.prewarm), so the page's socket
 * finds them ready. Only for a top-level navigation the learner made on this site or typed (Fetch Metadata): a
 * cross-site link, an <img> or a script's fetch does not start containers.
 */
function prewarm(req: http.IncomingMessage, sessions: Sessions, learnerId: string, query: string): void {
  const h = req.headers;
  if (req.method !== 'GET' || h['sec-fetch-mode'] !== 'navigate' || h['sec-fetch-dest'] !== 'document') return;
  if (h['sec-fetch-site'] !== 'none' && h['sec-fetch-site'] !== 'same-origin') return;
  const lessonId = new URLSearchParams(query).get('id') ?? '';
  if (ID_PATTERN.test(lessonId)) sessions.prewarm(learnerId, lessonId);
}

function handleHttp(req: http.IncomingMessage, res: http.ServerResponse, staticDir: string, policy: HostPolicy, sessions: Sessions): void {
  const host = req.headers.host ?? '';
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (!hostAllowed(host, policy)) {
    // DNS rebinding: a foreign name pointing at this machine gets nothing
    res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('misdirected request: this server does not answer to that host name\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  const urlPath = (req.url ?? '/').split('?')[0];
  const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
  const html = (status: number, body: string, hashes: string[] = []) => {
    // The learner id is set with the first page: a socket without it is refused.
    let learnerId = learnerIdFrom(req);
    if (!isLearnerId(learnerId)) res.setHeader('Set-Cookie', learnerCookie((learnerId = newLearnerId()), isHttps(req)));
    res.writeHead(status, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-cache', 'Content-Security-Policy': csp(host, hashes) });
    res.end(req.method === 'HEAD' ? undefined : body);
    // after the page is on its way: the container and shell are made while the browser loads the scripts
    if (status === 200 && urlPath === '/lesson/') prewarm(req, sessions, learnerId!, query);
  };
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    if (path.posix.extname(urlPath) && urlPath !== '/index.html') { res.writeHead(404, { 'Content-Type': TYPES['.txt'] }).end('not found\n'); return; }
    html(503, NOT_BUILT);
    return;
  }
  const found = resolveStatic(staticDir, urlPath);
  if (found && 'redirect' in found) {
    res.writeHead(301, { Location: found.redirect + query }).end();
    return;
  }
  if (!found) {
    const page = path.join(staticDir, '404.html');
    if (fs.existsSync(page)) { const body = fs.readFileSync(page, 'utf8'); html(404, body, inlineScriptHashes(page, body, fs.statSync(page).mtimeMs)); }
    else html(404, '<!doctype html><meta charset="utf-8"><title>Not found</title><h1>Not found</h1><p><a href="/">Glassbox</a></p>');
    return;
  }
  const ext = path.extname(found.file).toLowerCase();
  if (ext === '.html') {
    const body = fs.readFileSync(found.file, 'utf8');
    html(200, body, inlineScriptHashes(found.file, body, fs.statSync(found.file).mtimeMs));
    return;
  }
  const st = fs.statSync(found.file);
  res.writeHead(200, {
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'Content-Length': st.size,
    // Next's hashed bundles never change under the same name
    'Cache-Control': urlPath.startsWith('/_next/static/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') { res.end(); return; }
  const cached = immutable(urlPath, found.file, st);
  if (cached) { res.end(cached); return; }
  fs.createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
}

/** Next's hashed bundles, kept in memory once read: a page's dozen scripts go out in one write each, even while the
 *  event loop is busy starting that page's container. Bounded; a file that changed size or time is read again. */
const bundles = new Map<string, { size: number; mtimeMs: number; data: Buffer }>();
let bundleBytes = 0;
const BUNDLE_CACHE_BYTES = 64 * 1024 * 1024;
function immutable(urlPath: string, file: string, st: fs.Stats): Buffer | null {
  if (!urlPath.startsWith('/_next/static/') || st.size > 4 * 1024 * 1024) return null;
  const hit = bundles.get(file);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.data;
  let data: Buffer;
  try { data = fs.readFileSync(file); } catch { return null; }
  if (data.length !== st.size) return null;
  if (hit) bundleBytes -= hit.size;
  if (bundleBytes + data.length > BUNDLE_CACHE_BYTES) { bundles.clear(); bundleBytes = 0; }
  bundles.set(file, { size: st.size, mtimeMs: st.mtimeMs, data });
  bundleBytes += data.length;
  return data;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const staticDir = path.resolve(opts.staticDir ?? path.join(repoRoot, 'out'));
  const policy: HostPolicy = { host, port: opts.port ?? 3000, extraHosts: opts.allowedHosts ?? extraHostsFromEnv() };
  const sessions = await Sessions.create({ ...opts, lessonsDir: opts.lessonsDir });
  const server = http.createServer((req, res) => {
    try {
      handleHttp(req, res, staticDir, policy, sessions);
    } catch (e) {
      sessions.lab.log(`http ${req.method} ${req.url?.slice(0, 200)}: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    }
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  const io = attachSockets(server, sessions, policy);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(policy.port, host, () => { server.off('error', reject); resolve(); });
    });
  } catch (e) {
    await sessions.dispose();
    throw e;
  }
  const address = server.address();
  policy.port = typeof address === 'object' && address ? address.port : policy.port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shown}:${policy.port}/`,
    port: policy.port,
    sessions,
    close: () => (closing ??= (async () => {
      io.disconnectSockets(true);
      await sessions.dispose();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      server.closeAllConnections();
    })()),
  };
}
