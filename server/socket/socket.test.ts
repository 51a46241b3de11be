// socket.test.ts - the real server over socket.io-client: who may connect, hello first, a shell end to end, re-attach, authorisation.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { setupHarness, until } from '../engine/testing.ts';
import { PROTOCOL_VERSION } from '../../app/lib/protocol.ts';
import type { LabDeps, Lesson } from '../sessions/deps.ts';

const h = await setupHarness('socket');
const { startServer } = await import('../main.ts');

// A lesson of our own (the lessons helper's modules are tested on their own): its check looks for /tmp/done in the container.
const lessonDir = fs.mkdtempSync(path.join(h.root, 'lesson-'));
const lesson: Lesson = {
  id: 'test-lesson', dir: lessonDir, title: 'Test', summary: 'a test lesson', order: 1, minutes: 1, image: 'busybox',
  container: {}, allow: [], markdown: '# Test',
  steps: [{ id: 'touch', title: 'Touch', markdown: 'touch /tmp/done', verify: '/bin/true', solve: '/bin/true' }],
};
const deps: LabDeps = {
  lessons: { defaultLessonsRoot: lessonDir, loadLessons: () => [lesson], lessonContainerOptions: async () => ({ config: h.config(['sleep', '1000000000']), image: h.image }) },
  verify: {
    runVerify: async (_step, container) => {
      const passed = fs.existsSync(path.join(container.rootfs, 'tmp', 'done'));
      return passed ? { passed, output: '' } : { passed, hint: 'no /tmp/done yet', output: '' };
    },
  },
  store: null, watchers: null, missing: [],
};

const staticDir = fs.mkdtempSync(path.join(h.root, 'out-'));
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><script>window.x=1</script><p>home</p>');
fs.mkdirSync(path.join(staticDir, 'lesson'));
fs.writeFileSync(path.join(staticDir, 'lesson', 'index.html'), '<p>lesson</p>');
fs.writeFileSync(path.join(staticDir, 'app.js'), 'console.log(1)');
fs.writeFileSync(path.join(h.root, 'secret.txt'), 'secret');

const server = await startServer({ port: 0, staticDir, deps, graceMs: 60_000 });
after(() => server.close());
const base = `http://127.0.0.1:${server.port}`;

async function cookie(): Promise<string> {
  const res = await fetch(`${base}/`);
  const set = res.headers.get('set-cookie') ?? '';
  const m = /glassbox_learner=([a-f0-9]{32})/.exec(set);
  assert.ok(m, `no learner cookie in ${set}`);
  return `glassbox_learner=${m[1]}`;
}

function connect(headers: Record<string, string>): Promise<{ socket: Socket; error?: Error }> {
  const socket = io(base, { transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => { socket.close(); resolve({ socket, error }); });
  });
}

const call = <T = any>(socket: Socket, event: string, payload: unknown): Promise<T> =>
  new Promise((resolve) => socket.timeout(60_000).emit(event, payload, (err: Error | null, reply: T) => resolve(err ? ({ ok: false, message: err.message } as T) : reply)));

/** A connected, greeted learner; its terminal output collected per terminal id. */
async function learner(cookieHeader?: string) {
  const c = cookieHeader ?? (await cookie());
  const { socket, error } = await connect({ Cookie: c, Origin: base });
  assert.equal(error, undefined);
  const output = new Map<string, string>();
  socket.on('terminal:output', ({ terminalId, data }: { terminalId: string; data: ArrayBuffer | Uint8Array }) => {
    assert.ok(typeof data !== 'string', 'terminal output arrives as binary');
    output.set(terminalId, (output.get(terminalId) ?? '') + Buffer.from(data as Uint8Array).toString('utf8'));
    socket.emit('terminal:ack', { terminalId, chars: (data as Uint8Array).byteLength });
  });
  const events: Array<[string, any]> = [];
  socket.onAny((event, msg) => events.push([event, msg]));
  const hello = await call(socket, 'hello', { version: PROTOCOL_VERSION });
  assert.equal(hello.ok, true, JSON.stringify(hello));
  return { socket, cookie: c, output, events, text: (t: string) => output.get(t) ?? '' };
}

test('HTTP: the learner cookie, security headers, trailing-slash pages, no traversal, 404, foreign hosts refused', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('set-cookie') ?? '', /^glassbox_learner=[a-f0-9]{32}; Path=\/; HttpOnly; SameSite=Strict/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  const again = await fetch(`${base}/`, { headers: { cookie: await cookie() } });
  assert.equal(again.headers.get('set-cookie'), null, 'a learner with a cookie keeps it');
  const redirect = await fetch(`${base}/lesson?id=x`, { redirect: 'manual' });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/lesson/?id=x');
  assert.match(await (await fetch(`${base}/lesson/`)).text(), /lesson/);
  const js = await fetch(`${base}/app.js`);
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/lesson/..%2f..%2fsecret.txt', '/%00', '/lesson%5c..%5c..%5csecret.txt']) {
    const r = await fetch(`${base}${p}`);
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(await r.text(), /secret/, p);
  }
  assert.equal((await fetch(`${base}/nothing-here/`)).status, 404);
  assert.equal((await fetch(`${base}/`, { method: 'POST' })).status, 405);
  // undici cannot fake Host; a raw request can
  const raw = await new Promise<number>((resolve) => {
    import('node:http').then(({ default: http }) => http.get({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: `evil.example:${server.port}` } }, (r) => { r.resume(); resolve(r.statusCode ?? 0); }));
  });
  assert.equal(raw, 421);
});

test('HTTP: an unbuilt app gets a page saying so, not a crash', async () => {
  const other = await startServer({ port: 0, staticDir: path.join(h.root, 'no-such-out'), deps });
  try {
    const res = await fetch(`http://127.0.0.1:${other.port}/lesson/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /scripts\/setup\.sh/);
  } finally {
    await other.close();
  }
});

test('socket handshake: good Origin accepted; a foreign Origin, no Origin, no cookie or a foreign Host refused', async () => {
  const c = await cookie();
  const good = await connect({ Cookie: c, Origin: base });
  assert.equal(good.error, undefined);
  good.socket.close();
  const refused: Record<string, string>[] = [
    { Cookie: c, Origin: 'http://evil.example' },
    { Cookie: c, Origin: `https://evil.example:${server.port}` },
    { Cookie: c },
    { Origin: base },
    { Cookie: 'glassbox_learner=nothex', Origin: base },
    // DNS rebinding: the page's own origin and Host agree, but the name is not this server's
    { Cookie: c, Origin: `http://evil.example:${server.port}`, Host: `evil.example:${server.port}` },
  ];
  for (const headers of refused) {
    const r = await connect(headers);
    assert.ok(r.error, `accepted ${JSON.stringify(headers)}`);
  }
});

test('nothing before hello: another event first is refused and the socket closed', async () => {
  const { socket, error } = await connect({ Cookie: await cookie(), Origin: base });
  assert.equal(error, undefined);
  const closed = new Promise((r) => socket.once('disconnect', r));
  const reply = await call(socket, 'lessons:list', {});
  assert.equal(reply.ok, false);
  assert.match(reply.message, /hello/);
  await closed;
});

test('end to end: lesson, terminal, output, step check, reconnect within the grace period re-attaches the same shell', async () => {
  const a = await learner();
  const list = await call(a.socket, 'lessons:list', {});
  assert.equal(list.ok, true);
  assert.deepEqual(list.lessons.map((l: any) => [l.id, l.steps, l.done]), [['test-lesson', 1, 0]]);
  const opened = await call(a.socket, 'lesson:open', { lessonId: 'test-lesson' });
  assert.equal(opened.ok, true, JSON.stringify(opened));
  assert.equal(opened.lesson.steps[0].status, 'pending');
  const again = await call(a.socket, 'lesson:open', { lessonId: 'test-lesson' });
  assert.equal(again.containerId, opened.containerId, 'the lesson container is reused');
  const term = await call(a.socket, 'terminal:open', { containerId: opened.containerId, cols: 80, rows: 24 });
  assert.equal(term.ok, true, JSON.stringify(term));
  const tid = term.terminalId;
  assert.equal((await call(a.socket, 'terminal:input', { terminalId: tid, data: 'echo h""i; echo "pid=$$"\r' })).ok, true);
  await until(() => /\nhi\r\n/.test(a.text(tid)) && /pid=\d+/.test(a.text(tid)), 'hi and the pid');
  const pid = /pid=(\d+)/.exec(a.text(tid))![1];
  assert.equal((await call(a.socket, 'terminal:resize', { terminalId: tid, cols: 100, rows: 30 })).ok, true);

  // the step check: failed with its hint, then done after the learner's command (pushed by the automatic re-check)
  const failed = await call(a.socket, 'step:check', { lessonId: 'test-lesson', stepId: 'touch' });
  assert.deepEqual(failed, { ok: true, status: 'failed', hint: 'no /tmp/done yet' });
  await call(a.socket, 'terminal:input', { terminalId: tid, data: 'touch /tmp/done\r' });
  await until(() => a.events.some(([e, m]) => e === 'step:status' && m.stepId === 'touch' && m.status === 'done'), 'step:status done pushed');
  assert.deepEqual(await call(a.socket, 'step:check', { lessonId: 'test-lesson', stepId: 'touch' }), { ok: true, status: 'done' });

  // a refresh: the socket goes, a new one comes with the same cookie and re-attaches
  a.socket.close();
  await until(() => server.sessions.get(a.cookie.split('=')[1])?.clients.size === 0, 'the server saw the disconnect');
  const b = await learner(a.cookie);
  const re = await call(b.socket, 'terminal:open', { containerId: opened.containerId, terminalId: tid, cols: 80, rows: 24 });
  assert.equal(re.ok, true, JSON.stringify(re));
  assert.equal(re.terminalId, tid);
  assert.match(re.replay, /hi/);
  await call(b.socket, 'terminal:input', { terminalId: tid, data: 'echo "again=$$"\r' });
  await until(() => /again=\d+/.test(b.text(tid)), 'the shell answers after re-attach');
  assert.equal(/again=(\d+)/.exec(b.text(tid))![1], pid, 'the same shell');
  b.socket.close();
});

/** A page load as a browser makes it: a top-level navigation, typed or from this site (Fetch Metadata). fetch() sets
 *  Sec-Fetch-* itself, so a raw request. */
async function navigate(url: string, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string }> {
  const { default: http } = await import('node:http');
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'none', ...headers } }, (r) => {
      r.resume();
      resolve({ status: r.statusCode ?? 0, cookie: String(r.headers['set-cookie'] ?? '') });
    }).on('error', reject);
  });
}
const learnerOf = (res: { cookie: string } | Response) =>
  /glassbox_learner=([a-f0-9]{32})/.exec('cookie' in res && typeof res.cookie === 'string' ? res.cookie : (res as Response).headers.get('set-cookie') ?? '')![1];

test('lesson:open with a terminal: the lesson, its container and a shell in one reply; a stored shell is re-attached', async () => {
  const a = await learner();
  const opened = await call(a.socket, 'lesson:open', { lessonId: 'test-lesson', terminal: { cols: 80, rows: 24 } });
  assert.equal(opened.ok, true, JSON.stringify(opened));
  assert.equal(opened.terminal.ok, true, JSON.stringify(opened.terminal));
  const tid = opened.terminal.terminalId;
  await call(a.socket, 'terminal:input', { terminalId: tid, data: 'echo "first=$$"\r' });
  await until(() => /first=\d+/.test(a.text(tid)), 'the shell that came with the lesson answers');
  // a reload: the page asks again with the id it kept, and gets the same shell and its screen
  const again = await call(a.socket, 'lesson:open', { lessonId: 'test-lesson', terminal: { terminalId: tid, cols: 100, rows: 30 } });
  assert.equal(again.terminal.terminalId, tid);
  assert.match(again.terminal.replay, /first=\d+/);
  // an id that is not (or no longer) the learner's: a shell of the lesson's own instead, never an error page
  const stale = await call(a.socket, 'lesson:open', { lessonId: 'test-lesson', terminal: { terminalId: 't000000000000', cols: 80, rows: 24 } });
  assert.equal(stale.terminal.ok, true, JSON.stringify(stale.terminal));
  assert.notEqual(stale.terminal.terminalId, tid);
  const bad = await call(a.socket, 'lesson:open', { lessonId: 'test-lesson', terminal: { cols: 100000, rows: 24 } });
  assert.equal(bad.ok, false);
  assert.match(bad.message, /terminal\.cols/);
  a.socket.close();
});

test('prewarm: a lesson page load starts its container and shell; the socket then finds both, with the prompt on screen', async () => {
  const res = await navigate(`${base}/lesson/?id=test-lesson`);
  assert.equal(res.status, 200);
  const id = learnerOf(res);
  await until(() => {
    const held = [...(server.sessions.get(id)?.containers.values() ?? [])];
    return held.length === 1 && held[0].terminals.size === 1;
  }, 'the container and the shell made before any socket');
  const session = server.sessions.get(id)!;
  const [held] = [...session.containers.values()];
  const [preopened] = [...held.terminals];
  // the shell runs detached; its prompt waits in the screen mirror
  await new Promise((r) => setTimeout(r, 300));
  const a = await learner(`glassbox_learner=${id}`);
  const opened = await call(a.socket, 'lesson:open', { lessonId: 'test-lesson', terminal: { cols: 80, rows: 24 } });
  assert.equal(opened.containerId, held.container.id, 'the same container');
  assert.equal(opened.terminal.terminalId, preopened, 'the shell started ahead is handed over');
  assert.match(opened.terminal.replay, /#/, 'its prompt is in the replay');
  assert.equal(held.terminals.size, 1, 'no second shell');
  await call(a.socket, 'terminal:input', { terminalId: preopened, data: 'echo p""re\r' });
  await until(() => /\npre\r\n/.test(a.text(preopened)), 'the prewarmed shell answers');
  a.socket.close();
});

test('prewarm: nothing for a cross-site navigation, a fetch, an unknown lesson; unclaimed sessions end and are bounded', async () => {
  const quick = await startServer({ port: 0, staticDir, deps, graceMs: 60_000, prewarmClaimMs: 500 });
  try {
    const url = `http://127.0.0.1:${quick.port}`;
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-mode': 'cors' }, { 'sec-fetch-dest': 'image' }] as Record<string, string>[]) {
      const res = await navigate(`${url}/lesson/?id=test-lesson`, headers);
      assert.equal(quick.sessions.get(learnerOf(res)), undefined, JSON.stringify(headers));
    }
    assert.equal(quick.sessions.get(learnerOf(await fetch(`${url}/lesson/?id=test-lesson`))), undefined, 'a plain fetch');
    assert.equal(quick.sessions.get(learnerOf(await navigate(`${url}/lesson/?id=..%2F..%2Fetc`))), undefined, 'a bad id');
    // an unknown lesson: the session waits for its socket like any other, and makes no container
    const unknown = learnerOf(await navigate(`${url}/lesson/?id=no-such-lesson`));
    // the bound: at most 8 sessions wait for their socket at once
    const ids = [unknown];
    for (let i = 0; i < 10; i++) ids.push(learnerOf(await navigate(`${url}/lesson/?id=test-lesson`)));
    assert.equal(ids.filter((id) => quick.sessions.get(id)).length, 8);
    assert.equal(quick.sessions.get(unknown)?.containers.size, 0);
    // unclaimed: ended after prewarmClaimMs, containers and all
    await until(() => quick.sessions.size === 0, 'unclaimed sessions are ended', 30_000);
  } finally {
    await quick.close();
  }
});

test('authorisation: learner B reaches neither A\'s container nor A\'s terminal', async () => {
  const a = await learner();
  const b = await learner();
  const opened = await call(a.socket, 'lesson:open', { lessonId: 'test-lesson' });
  const term = await call(a.socket, 'terminal:open', { containerId: opened.containerId, cols: 80, rows: 24 });
  assert.equal(term.ok, true);
  const steal = await call(b.socket, 'terminal:open', { containerId: opened.containerId, cols: 80, rows: 24 });
  assert.deepEqual([steal.ok, steal.message], [false, 'no such container']);
  const hijack = await call(b.socket, 'terminal:open', { containerId: opened.containerId, terminalId: term.terminalId, cols: 80, rows: 24 });
  assert.equal(hijack.ok, false);
  for (const [event, payload] of [
    ['terminal:input', { terminalId: term.terminalId, data: 'echo pwned\r' }],
    ['terminal:resize', { terminalId: term.terminalId, cols: 10, rows: 10 }],
    ['terminal:close', { terminalId: term.terminalId }],
    ['watch:start', { containerId: opened.containerId, panels: ['ns'] }],
    ['playground:delete', { containerId: opened.containerId }],
  ] as const) {
    const r = await call(b.socket, event, payload);
    assert.equal(r.ok, false, `${event} by another learner`);
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.doesNotMatch(a.text(term.terminalId), /pwned/);
  a.socket.close();
  b.socket.close();
});

test('playground: clear errors for bad JSON and for removing the walls; a good config runs and is deleted', async () => {
  const a = await learner();
  const bad = await call(a.socket, 'playground:create', { config: '{"hostname": ' });
  assert.equal(bad.ok, false);
  assert.match(bad.message, /not valid JSON/);
  const noUserns = await call(a.socket, 'playground:create', { config: JSON.stringify({ linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'network' }, { type: 'uts' }] } }) });
  assert.equal(noUserns.ok, false);
  assert.match(noUserns.message, /"user" namespace/);
  const hostNet = await call(a.socket, 'playground:create', { config: JSON.stringify({ linux: { namespaces: [{ type: 'user' }, { type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'network', path: '/proc/1/ns/net' }] } }) });
  assert.equal(hostNet.ok, false);
  assert.match(hostNet.message, /joining an existing network namespace/);
  const uidMap = await call(a.socket, 'playground:create', { config: JSON.stringify({ linux: { uidMappings: [{ containerID: 0, hostID: 0, size: 1 }] } }) });
  assert.equal(uidMap.ok, false, 'host root mapped into the container');
  const huge = await call(a.socket, 'playground:create', { config: JSON.stringify({ linux: { resources: { memory: { limit: 64 * 1024 ** 3 } } } }) });
  assert.match(huge.message, /memory\.limit/);
  const bind = await call(a.socket, 'playground:create', { config: JSON.stringify({ mounts: [{ destination: '/host', type: 'bind', source: '/etc', options: ['rbind'] }] }) });
  assert.equal(bind.ok, false, 'no host bind mounts');
  const ok = await call(a.socket, 'playground:create', { config: JSON.stringify({ hostname: 'pg' }) });
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.equal(JSON.parse(ok.config).hostname, 'pg');
  const term = await call(a.socket, 'terminal:open', { containerId: ok.containerId, cols: 80, rows: 24 });
  await call(a.socket, 'terminal:input', { terminalId: term.terminalId, data: 'hostname; echo D""ONE\r' });
  await until(() => a.text(term.terminalId).includes('DONE'), 'the playground shell');
  assert.match(a.text(term.terminalId), /\npg\r\n/);
  assert.equal((await call(a.socket, 'playground:delete', { containerId: ok.containerId })).ok, true);
  assert.ok(a.events.some(([e, m]) => e === 'container:gone' && m.containerId === ok.containerId));
  a.socket.close();
});

test('quotas: at most 3 containers and 4 terminals per container; rate limits answer with a Failure', async () => {
  const a = await learner();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await call(a.socket, 'playground:create', { config: '{}' });
    assert.equal(r.ok, true, JSON.stringify(r));
    ids.push(r.containerId);
  }
  const fourth = await call(a.socket, 'playground:create', { config: '{}' });
  assert.equal(fourth.ok, false);
  assert.match(fourth.message, /at most 3 containers/);
  for (let i = 0; i < 4; i++) assert.equal((await call(a.socket, 'terminal:open', { containerId: ids[0], cols: 80, rows: 24 })).ok, true);
  const fifth = await call(a.socket, 'terminal:open', { containerId: ids[0], cols: 80, rows: 24 });
  assert.match(fifth.message, /at most 4 terminals/);
  const replies = await Promise.all(Array.from({ length: 40 }, () => call(a.socket, 'watch:stop', { containerId: ids[0] })));
  assert.ok(replies.some((r) => !r.ok && /too many/.test(r.message)), 'the 20/s limit refuses some');
  a.socket.close();
});

test('the grace period: a learner who does not come back loses everything', async () => {
  const quick = await startServer({ port: 0, staticDir, deps, graceMs: 200 });
  try {
    const res = await fetch(`http://127.0.0.1:${quick.port}/`);
    const c = /glassbox_learner=[a-f0-9]{32}/.exec(res.headers.get('set-cookie') ?? '')![0];
    const socket = io(`http://127.0.0.1:${quick.port}`, { transports: ['websocket'], extraHeaders: { Cookie: c, Origin: `http://127.0.0.1:${quick.port}` }, reconnection: false, forceNew: true });
    await call(socket, 'hello', { version: PROTOCOL_VERSION });
    const pg = await call(socket, 'playground:create', { config: '{}' });
    assert.equal(pg.ok, true);
    const stateDir = path.join(h.engine.paths.runRoot, pg.containerId);
    assert.ok(fs.existsSync(stateDir));
    socket.close();
    await until(() => quick.sessions.size === 0 && !fs.existsSync(stateDir), 'the session and its container are reaped', 30_000);
  } finally {
    await quick.close();
  }
});

test('the real lessons: lesson 1 opens with its container and a shell in it; progress comes from the store', async (t) => {
  if (!fs.existsSync(path.join(h.engine.paths.repoRoot, 'lessons', '01-what-is-a-container', 'lesson.md'))) return t.skip('lesson 1 is not there yet');
  const real = await startServer({ port: 0, staticDir }); // the real lessons, checks and SQLite store (under the temp root)
  try {
    const url = `http://127.0.0.1:${real.port}`;
    const c = /glassbox_learner=[a-f0-9]{32}/.exec((await fetch(`${url}/`)).headers.get('set-cookie') ?? '')![0];
    const socket = io(url, { transports: ['websocket'], extraHeaders: { Cookie: c, Origin: url }, reconnection: false, forceNew: true });
    let out = '';
    socket.on('terminal:output', ({ data }: { data: Uint8Array }) => { out += Buffer.from(data).toString(); });
    assert.equal((await call(socket, 'hello', { version: PROTOCOL_VERSION })).ok, true);
    const list = await call(socket, 'lessons:list', {});
    assert.ok(list.lessons.some((l: any) => l.id === '01-what-is-a-container'), JSON.stringify(list));
    const opened = await call(socket, 'lesson:open', { lessonId: '01-what-is-a-container' });
    assert.equal(opened.ok, true, JSON.stringify(opened));
    assert.ok(opened.lesson.steps.length > 0);
    const term = await call(socket, 'terminal:open', { containerId: opened.containerId, cols: 80, rows: 24 });
    await call(socket, 'terminal:input', { terminalId: term.terminalId, data: 'echo h""i\r' });
    await until(() => /\nhi\r\n/.test(out), 'hi from the lesson container');
    const check = await call(socket, 'step:check', { lessonId: '01-what-is-a-container', stepId: opened.lesson.steps[0].id });
    assert.equal(check.ok, true, JSON.stringify(check));
    socket.close();
  } finally {
    await real.close();
  }
});

test('close() deletes every container of every learner', async () => {
  await server.close();
  assert.equal(server.sessions.size, 0);
});

h.leakCheck();
