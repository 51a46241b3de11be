// terminal.test.ts - a real shell in a real container through node-pty: output, minimal env, flow control under a flood, re-attach.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { setupHarness, until } from '../engine/testing.ts';
import { LIMITS } from '../../app/lib/protocol.ts';

const h = await setupHarness('terminals');
const { Terminal } = await import('./terminal.ts');

async function container(t: { after(fn: () => unknown): void }) {
  const { container } = await h.create(t, h.config(['sleep', '1000000000']));
  await container.start();
  return container;
}

/** A viewer; with `term` it acknowledges what it received, as the browser does from xterm's write callback. */
function collector(term?: { ack(chars: number): void }) {
  const chunks: Buffer[] = [];
  let exit: number | null = null;
  return {
    sink: { output: (d: Buffer) => { chunks.push(d); term?.ack(d.length); }, exit: (c: number) => { exit = c; } },
    text: () => Buffer.concat(chunks).toString('utf8'),
    bytes: () => chunks.reduce((n, c) => n + c.length, 0),
    exit: () => exit,
  };
}

test('a shell in the container answers, with only the explicit environment', async (t) => {
  const c = await container(t);
  let commands = 0;
  const term = new Terminal(c, { cols: 80, rows: 24, onCommand: () => commands++ });
  t.after(() => term.dispose());
  const out = collector();
  await term.attach(out.sink);
  term.input('echo "<$((6*7))>"; env | sort | tr "\\n" " "; echo E""ND\r');
  await until(() => out.text().includes('END\r\n'), 'shell output');
  assert.match(out.text(), /<42>/);
  assert.equal(commands, 1);
  const envLine = out.text().split('\n').find((l) => l.includes('TERM=')) ?? '';
  assert.match(envLine, /HOME=\/root/);
  assert.match(envLine, /LANG=C\.UTF-8/);
  assert.match(envLine, /TERM=xterm-256color/);
  assert.doesNotMatch(envLine, /GLASSBOX_ROOT|NODE_|SUDO_|SSH_/, 'nothing of the server environment leaks');
});

test('a flood (yes | head -c 5000000) with an acking client: paused and resumed, never far above the high watermark', async (t) => {
  const c = await container(t);
  const term = new Terminal(c, { cols: 80, rows: 24 });
  t.after(() => term.dispose());
  let received = 0;
  let maxUnacked = 0;
  let maxMirror = 0;
  let done = false;
  // the client "renders" at ~1 MB/s (slower than the pty) and acknowledges every ackEvery chars it has rendered
  let rendered = 0;
  let toRender = 0;
  const renderer = setInterval(() => {
    const n = Math.min(toRender, LIMITS.ackEvery);
    toRender -= n;
    rendered += n;
    while (rendered >= LIMITS.ackEvery) { rendered -= LIMITS.ackEvery; term.ack(LIMITS.ackEvery); }
  }, 5);
  t.after(() => clearInterval(renderer));
  const sink = {
    output: (d: Buffer) => {
      received += d.length;
      maxUnacked = Math.max(maxUnacked, term.flow.unacked);
      maxMirror = Math.max(maxMirror, term.flow.mirrorPending);
      if (d.includes('DONE')) done = true;
      toRender += d.length;
    },
    exit: () => {},
  };
  await term.attach(sink);
  term.input('yes | head -c 5000000; echo; echo DO""NE\r');
  await until(() => done, 'the flood to finish', 120_000);
  assert.ok(received >= 5_000_000, `received ${received}`);
  assert.ok(term.flow.pauses > 0 && term.flow.resumes > 0, `maxUnacked ${maxUnacked} received ${received} pauses ${term.flow.pauses} resumes ${term.flow.resumes}`);
  // one pty read (≤ 64 KiB) and one batch (≤ 32 KiB + a read) can land after the pause
  const bound = LIMITS.highWatermark + 128 * 1024;
  assert.ok(maxUnacked <= bound, `unacked reached ${maxUnacked}`);
  assert.ok(maxMirror <= bound, `mirror backlog reached ${maxMirror}`);
});

test('a detached flood stops at the high watermark; re-attach replays the screen and the same shell answers', async (t) => {
  const c = await container(t);
  const term = new Terminal(c, { cols: 80, rows: 24 });
  t.after(() => term.dispose());
  const first = collector();
  await term.attach(first.sink);
  term.input('echo $$ > /tmp/pid; echo marker-""one\r');
  await until(() => first.text().includes('marker-one\r\n'), 'first output');
  term.detach(first.sink);
  term.input('yes | head -c 3000000 >/dev/tty; echo DET""ACHED\r');
  await until(() => term.flow.paused, 'the detached terminal pauses', 30_000);
  const second = collector(term);
  const replay = await term.attach(second.sink);
  assert.ok(replay.length < 64 * 1024, `replay is the screen, not the history (${replay.length} chars)`);
  await until(() => second.text().includes('DETACHED'), 'the flood completes after re-attach', 120_000);
  term.input('echo "pid=$$"\r');
  await until(() => /pid=\d+/.test(second.text()), 'same shell answers');
  const pid = /pid=(\d+)/.exec(second.text())![1];
  term.input('cat /tmp/pid\r');
  await until(() => second.text().split(`pid=${pid}`).length > 1 && second.text().lastIndexOf(`\n${pid}\r`) > 0, 'the pid file matches');
  assert.equal(first.text().includes('DETACHED'), false, 'the departed viewer got nothing more');
});

test('the shell has a pty of the container\'s own: tty names it, its root owns it, resizes reach it, dispose hangs it up', async (t) => {
  const c = await container(t);
  const term = new Terminal(c, { cols: 80, rows: 24 });
  t.after(() => term.dispose());
  const out = collector();
  await term.attach(out.sink);
  term.input('tty; stat -c "owner=%u:%g" "$(tty)"; stty size; echo O""NE\r');
  await until(() => out.text().includes('ONE\r\n'), 'tty output');
  assert.match(out.text(), /^\/dev\/pts\/\d+\r$/m, 'a terminal the container can name (its devpts)');
  assert.match(out.text(), /owner=0:0/, 'owned by the container\'s root');
  assert.match(out.text(), /^24 80\r$/m);
  term.resize(100, 30);
  term.input('stty size; echo T""WO\r');
  await until(() => out.text().includes('TWO\r\n'), 'size after the resize');
  assert.match(out.text(), /^30 100\r$/m);
  // A foreground job when the terminal goes: the hang-up reaches it too, as closing a real terminal does.
  term.input('sleep 987654\r');
  const sleeping = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((p) => {
    try { return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8') === 'sleep\0' + '987654\0'; } catch { return false; }
  });
  await until(sleeping, 'the sleep runs');
  term.dispose();
  await until(() => !sleeping(), 'the sleep is hung up with its terminal', 10_000);
});

test('dispose kills the shell and reports nothing further', async (t) => {
  const c = await container(t);
  const exits: number[] = [];
  const term = new Terminal(c, { cols: 80, rows: 24, onExit: (code) => exits.push(code) });
  const out = collector();
  await term.attach(out.sink);
  term.input('echo ready\r');
  await until(() => out.text().includes('ready\r\n'), 'ready');
  const pid = term.pid;
  term.dispose();
  await until(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 'glassbox-enter is gone', 10_000);
  term.dispose(); // idempotent
});

test('the shell exiting reports its status, after its last output', async (t) => {
  const c = await container(t);
  const term = new Terminal(c, { cols: 80, rows: 24 });
  t.after(() => term.dispose());
  const out = collector();
  await term.attach(out.sink);
  // Its last words come through first (the relay drains the container's pty after the shell has gone).
  term.input('echo "last-$((40+2))"; exit 3\r');
  await until(() => out.exit() !== null, 'exit');
  assert.equal(out.exit(), 3);
  assert.match(out.text(), /last-42/);
});

h.leakCheck();
