// verify.ts - runs a step's verify script on the host (reading the container's kernel state) and its solve script inside the container.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Container } from '../engine/container.ts';
import type { Step } from './lessons.ts';

/** 10 s; GLASSBOX_CHECK_TIMEOUT_MS raises it where everything runs slowly (the emulated v2 VM of the tests, 15-25x slower). */
export const CHECK_TIMEOUT_MS = Number(process.env.GLASSBOX_CHECK_TIMEOUT_MS) > 0 ? Number(process.env.GLASSBOX_CHECK_TIMEOUT_MS) : 10_000;
export const OUTPUT_LIMIT = 64 * 1024;
const HINT_LIMIT = 300;
/** A fixed PATH: verify scripts see none of the server's environment (no tokens, no GLASSBOX_* settings). */
const HOST_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** Words the shell passes through word splitting and globbing unchanged, so they need no quotes. */
const SAFE_WORD = /^[A-Za-z0-9_\/.:=,@%+-]+$/;
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * GB_EXEC: the glassbox-enter command line that runs a command in the container, to be used unquoted
 * (`$GB_EXEC cat /etc/hostname`). The shell only word-splits an unquoted variable (it never removes quotes),
 * so when every word is plain the line itself is the prefix; when one is not (an env value with a space),
 * a small wrapper script holding the quoted line is, and `tmpDir` receives it.
 */
export function execPrefix(container: Container, tmpDir: () => string): string {
  const cmd = container.enterCommand([]);
  const words = [cmd.file, ...cmd.args];
  if (words.every((w) => SAFE_WORD.test(w))) return words.join(' ');
  const file = path.join(tmpDir(), 'gb-exec');
  fs.writeFileSync(file, `#!/bin/sh\nexec ${words.map(shellQuote).join(' ')} "$@"\n`, { mode: 0o700 });
  return file;
}

/** The environment of a verify script: the container's coordinates, a fixed PATH, and nothing else. */
export function verifyEnv(container: Container, tmpDir: () => string): Record<string, string> {
  const s = container.state;
  return {
    PATH: HOST_PATH,
    LC_ALL: 'C',
    GB_PID: String(container.pid),
    GB_CGROUP: s.cgroup.dirs.join(' '),
    GB_CGROUP_VERSION: String(s.cgroup.version),
    GB_UPPER: container.upperDir ?? '',
    GB_ROOTFS: container.rootfs,
    GB_EXEC: execPrefix(container, tmpDir),
  };
}

interface Ran { code: number; output: string; timedOut: boolean }

/** Keeps the last OUTPUT_LIMIT bytes of stdout+stderr (the hint is the last line, so the tail matters). */
function collectTail(child: ChildProcess): () => string {
  let chunks: Buffer[] = [];
  let size = 0;
  let dropped = false;
  const add = (d: Buffer) => {
    chunks.push(d);
    size += d.length;
    if (size > 2 * OUTPUT_LIMIT) {
      const all = Buffer.concat(chunks).subarray(-OUTPUT_LIMIT);
      chunks = [all];
      size = all.length;
      dropped = true;
    }
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => {
    const all = Buffer.concat(chunks);
    const tail = all.length > OUTPUT_LIMIT ? all.subarray(-OUTPUT_LIMIT) : all;
    return (dropped || all.length > OUTPUT_LIMIT ? '[… output truncated]\n' : '') + tail.toString('utf8');
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}

/**
 * Runs a child in its own process group, bounded in time and output. `keepGroup`: when the main process exits,
 * leave the rest of its group alone (a solve script may start `sleep 1000 &` in the container on purpose) and
 * stop reading; otherwise kill whatever it left behind.
 */
function runBounded(file: string, args: string[], opts: { env: Record<string, string>; cwd?: string; stdin?: string; keepGroup: boolean }): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const output = collectTail(child);
    let timedOut = false;
    let settled = false;
    const finish = (code: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code, output: output(), timedOut });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, CHECK_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      if (!settled) { settled = true; resolve({ code: 127, output: `${file}: ${e.message}\n`, timedOut: false }); }
    });
    child.on('exit', (code, signal) => {
      const status = timedOut ? 124 : code ?? 128 + (signal ? os.constants.signals[signal] : 0);
      if (!opts.keepGroup) killGroup(child);
      // Background processes may still hold the pipes: read what is already there, then let go.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(status);
      }, 50).unref();
      child.on('close', () => finish(status));
    });
    child.stdin?.on('error', () => { /* the script did not read its stdin */ });
    child.stdin?.end(opts.stdin ?? '');
  });
}

function lastLine(output: string): string | undefined {
  const line = output.split('\n').map((l) => l.trim()).filter(Boolean).pop();
  return line && line.length > HINT_LIMIT ? `${line.slice(0, HINT_LIMIT - 1)}…` : line;
}

/** Exit 0 = passed; otherwise the hint is the last non-empty line the script printed. */
export async function runVerify(step: Step, container: Container): Promise<{ passed: boolean; hint?: string; output: string }> {
  let dir: string | undefined;
  const tmpDir = () => (dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-verify-')));
  try {
    const r = await runBounded('/bin/bash', [step.verify], { env: verifyEnv(container, tmpDir), cwd: path.dirname(step.verify), keepGroup: false });
    if (r.code === 0 && !r.timedOut) return { passed: true, output: r.output };
    const hint = r.timedOut
      ? `the check of '${step.title}' took longer than ${CHECK_TIMEOUT_MS / 1000} s and was stopped`
      : lastLine(r.output) ?? `the check of '${step.title}' failed (exit status ${r.code})`;
    return { passed: false, hint, output: r.output };
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the solve script in the container as a learner would: a shell reading it, with the container's identity. */
export async function runSolve(step: Step, container: Container): Promise<{ code: number; output: string }> {
  const script = fs.readFileSync(step.solve, 'utf8');
  const cmd = container.enterCommand(['/bin/sh', '-s']);
  const r = await runBounded(cmd.file, cmd.args, { env: {}, stdin: script, keepGroup: true });
  return { code: r.code, output: r.timedOut ? `${r.output}\n[stopped after ${CHECK_TIMEOUT_MS / 1000} s]\n` : r.output };
}
