// cli.test.ts - the glassbox command as a person uses it: one clear line for bad input, the container's exit status, JSON from inspect.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin', 'glassbox');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-cli-'));
fs.chmodSync(root, 0o711);
const env = { ...process.env, GLASSBOX_ROOT: root, GLASSBOX_CGROUP_PARENT: `glassbox-test-cli-${process.pid}` };

function gb(args: string[], opts: { uid?: number } = {}) {
  const r = spawnSync(bin, args, { env, encoding: 'utf8', timeout: 120_000, uid: opts.uid, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line (plus maybe an indented hint), no stack trace. */
function assertOneClearLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('  '));
  assert.equal(lines.length, 1, `one line, got: ${stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(stderr, /\n\s+at |Error:/, 'no stack trace');
}

before(() => {
  const r = gb(['image', 'build']);
  assert.equal(r.code, 0, r.stderr);
});

after(() => {
  // whatever a failed test left: reconcile keeps stopped containers, so remove them by id, then the test cgroup parent
  const runDir = path.join(root, 'c');
  for (const id of fs.existsSync(runDir) ? fs.readdirSync(runDir) : []) if (/^[0-9a-f]{12}$/.test(id)) gb(['rm', '-f', id]);
  const parents = [`/sys/fs/cgroup/${env.GLASSBOX_CGROUP_PARENT}`, ...fs.readdirSync('/sys/fs/cgroup').map((c) => `/sys/fs/cgroup/${c}/${env.GLASSBOX_CGROUP_PARENT}`)];
  for (const dir of parents) if (fs.existsSync(dir)) fs.rmdirSync(dir);
  fs.rmSync(root, { recursive: true, force: true });
});

test('bad input gets one clear line and a non-zero exit', () => {
  let r = gb(['run', '--rm', 'nosuchimage']);
  assert.equal(r.code, 1);
  assertOneClearLine(r.stderr, /^glassbox: unknown image "nosuchimage"/);
  r = gb(['run', '--rm', '--memory', '12q', 'busybox']);
  assert.equal(r.code, 1);
  assertOneClearLine(r.stderr, /^glassbox: malformed size "12q"/);
  r = gb(['run', '--bundle', '/nonexistent/bundle']);
  assert.equal(r.code, 1);
  assertOneClearLine(r.stderr, /^glassbox: no bundle at \/nonexistent\/bundle/);
  r = gb(['run', '--bogus', 'busybox']);
  assert.equal(r.code, 1);
  assertOneClearLine(r.stderr, /^glassbox: Unknown option '--bogus'/);
  r = gb(['frobnicate']);
  assert.equal(r.code, 1);
  assertOneClearLine(r.stderr, /^glassbox: unknown command "frobnicate"/);
  r = gb(['exec', 'nope', '--', 'true']);
  assertOneClearLine(r.stderr, /^glassbox: no container "nope"/);
});

/** The first directory on the way to the checkout that others may not enter (a clone under /root, or in a mkdtemp dir). */
function closedToOthers(dir: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    if (!(fs.statSync(d).mode & 0o001)) return d;
    if (d === path.dirname(d)) return null;
  }
}

test('not root: one line saying so', (t) => {
  const closed = closedToOthers(repo);
  if (closed) return t.skip(`uid 65534 cannot reach bin/glassbox (${closed} is not o+x)`);
  const r = gb(['ps'], { uid: 65534 });
  assert.equal(r.code, 1);
  assertOneClearLine(r.stderr, /must run as root/);
});

test("run's exit status is the command's; 137 and a line after an OOM kill", () => {
  let r = gb(['run', '--rm', 'busybox', '--', 'sh', '-c', 'echo out; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'out\n');
  r = gb(['run', '--rm', '--memory', '32m', 'busybox', '--', 'gbprobe', 'memhog', '200']);
  assert.equal(r.code, 137);
  assert.match(r.stderr, /killed by the OOM killer \(memory limit 32 MiB\)/);
});

test('ps, exec, inspect, kill and rm on a running container', async () => {
  const runner = spawn(bin, ['run', '--name', 'keeper', '--hostname', 'kept', 'busybox', '--', 'sleep', '1000'], { env, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => runner.on('exit', (c) => resolve(c)));
  try {
    let ps = '';
    for (let i = 0; i < 100 && !/keeper.*running/.test(ps); i++) {
      await new Promise((r) => setTimeout(r, 100));
      ps = gb(['ps']).stdout;
    }
    assert.match(ps, /keeper\s+busybox\s+running/);
    const ex = gb(['exec', 'keeper', '--', 'sh', '-c', 'hostname; grep Seccomp: /proc/self/status; ulimit -n']);
    assert.equal(ex.code, 0, ex.stderr);
    // the container's own rlimits (RLIMIT_NOFILE 1024 by default), not the server's
    assert.match(ex.stdout, /^kept\nSeccomp:\s+2\n1024\n$/);
    const info = JSON.parse(gb(['inspect', 'keeper']).stdout);
    assert.equal(info.status, 'running');
    assert.ok(info.pid > 1);
    assert.equal(info.namespaces.pid.sharedWithHost, false);
    assert.equal(typeof info.namespaces.user.inode, 'number');
    assert.ok(info.cgroup.dirs.length >= 1);
    assert.ok(info.cgroup.stats.memoryMax > 0);
    assert.ok(fs.existsSync(info.overlay.upperDir), 'the upper dir exists on the host');
    assert.ok(info.capabilities.effective.includes('CAP_CHOWN'));
    assert.ok(!info.capabilities.effective.includes('CAP_NET_RAW'));
    assert.equal(info.seccomp.mode, 'filter');
    assert.equal(gb(['kill', 'keeper', 'KILL']).code, 0);
    assert.equal(await exited, 137);
    assert.match(gb(['ps']).stdout, /keeper\s+busybox\s+exited \(137\)/);
    const rm = gb(['rm', 'keeper']);
    assert.equal(rm.code, 0, rm.stderr);
    assert.doesNotMatch(gb(['ps']).stdout, /keeper/);
  } finally {
    runner.kill('SIGKILL');
  }
});

test('on a terminal, run and exec give the command a pty of the container: tty names it, sizes, ^C and exit status pass', { timeout: 120_000 }, async () => {
  const { default: ptyDefault, ...ptyNamed } = await import('node-pty');
  const pty = ptyDefault ?? ptyNamed;
  /** The CLI on a pseudo-terminal, as a person at a terminal runs it. */
  const onTerminal = (args: string[]) => {
    const p = pty.spawn(bin, args, { name: 'xterm', cols: 90, rows: 30, cwd: repo, env: env as Record<string, string> });
    let out = '';
    p.onData((d) => { out += d; });
    const exited = new Promise<number>((resolve) => p.onExit(({ exitCode }) => resolve(exitCode)));
    const until = async (re: RegExp, what: string) => {
      for (const end = Date.now() + 30_000; !re.test(out);) {
        if (Date.now() > end) throw new Error(`no ${what} in 30 s; the terminal shows ${JSON.stringify(out.slice(-300))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    return { p, exited, until, out: () => out };
  };
  const run = onTerminal(['run', '--rm', '--name', 'tty-run', 'busybox', '--', 'sh']);
  try {
    await run.until(/\/ # /, 'prompt');
    run.p.write('tty; stty size; echo O""NE\r');
    await run.until(/ONE\r+\n/, 'output');
    // (the CLI's side of the terminal is in node's raw mode, which keeps ONLCR: lines end \r\r\n here)
    assert.match(run.out(), /^\/dev\/pts\/0\r+$/m, 'the container\'s own devpts');
    assert.match(run.out(), /^30 90\r+$/m);
    run.p.resize(100, 40);
    run.p.write('stty size; echo T""WO\r');
    await run.until(/TWO\r+\n/, 'output after the resize');
    assert.match(run.out(), /^40 100\r+$/m);
    // ^C reaches the foreground job through the container's pty (its line discipline makes the SIGINT).
    run.p.write('sleep 1000\r');
    await new Promise((r) => setTimeout(r, 300));
    run.p.write('\x03');
    await run.until(/\^C/, 'the interrupt echoed');
    run.p.write('echo after-$?\r');
    await run.until(/after-130/, 'the sleep interrupted');

    const exec = onTerminal(['exec', 'tty-run', '--', 'sh', '-c', 'tty; exit 4']);
    await exec.until(/\/dev\/pts\/\d+/, 'tty in exec');
    assert.equal(await exec.exited, 4);
    assert.match(exec.out(), /^\/dev\/pts\/[1-9]\d*\r+$/m, 'a second pty of the same devpts');

    run.p.write('exit 5\r');
    assert.equal(await run.exited, 5);
  } finally {
    run.p.kill();
    gb(['rm', '-f', 'tty-run']);
  }
});
