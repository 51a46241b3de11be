// terminal.ts - one shell in a container: node-pty running glassbox-enter, flow control, a screen mirror for re-attach.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';
import pty from 'node-pty';
import { LIMITS } from '../../app/lib/protocol.ts';
import type { Container } from '../engine/container.ts';
import { Batcher, FlowControl, Osc52Filter } from './flow.ts';

/** The shell's whole environment: nothing of the server's (root's) environment reaches the container. */
export const TERMINAL_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'TERM=xterm-256color', 'LANG=C.UTF-8'];
export const SHELL = ['/bin/sh', '-l'];

export interface TerminalSink {
  output(data: Buffer): void;
  exit(code: number): void;
}

export interface TerminalOptions {
  cols: number;
  rows: number;
  /** Called after input that contains a carriage return (a command was probably run): the checks re-run. */
  onCommand?: () => void;
  /** Called once when the shell has exited (or the terminal was disposed). */
  onExit?: (code: number) => void;
  shell?: string[];
  /** Output batching, for tests. */
  batchMs?: number;
}

function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const c = Math.round(Math.min(LIMITS.cols.max, Math.max(LIMITS.cols.min, cols)));
  const r = Math.round(Math.min(LIMITS.rows.max, Math.max(LIMITS.rows.min, rows)));
  return { cols: Number.isFinite(c) ? c : 80, rows: Number.isFinite(r) ? r : 24 };
}

export class Terminal {
  readonly id = `t${crypto.randomBytes(6).toString('hex')}`;
  readonly containerId: string;
  readonly flow: FlowControl;
  exitCode: number | null = null;
  private readonly pty: pty.IPty;
  private readonly mirror: headless.Terminal;
  private readonly serializer: serialize.SerializeAddon;
  private readonly filter = new Osc52Filter();
  private readonly batcher: Batcher;
  private sink: TerminalSink | null = null;
  private disposed = false;
  private claimedOnce = false;

  constructor(container: Container, private readonly opts: TerminalOptions) {
    this.containerId = container.id;
    const { cols, rows } = clampSize(opts.cols, opts.rows);
    // start in HOME when the image has one (a shell prompt shows ~), else in the container's own cwd
    let cwd: string | undefined;
    try { if (fs.statSync(path.join(container.rootfs, 'root')).isDirectory()) cwd = '/root'; } catch { /* no /root in this image */ }
    const cmd = container.enterCommand(opts.shell ?? SHELL, { tty: true, env: TERMINAL_ENV, cwd });
    // node-pty's own env is empty too: glassbox-enter clears and sets the container's env itself (--clear-env).
    this.pty = pty.spawn(cmd.file, cmd.args, { name: 'xterm-256color', cols, rows, cwd: '/', env: {}, encoding: null });
    this.mirror = new headless.Terminal({ cols, rows, scrollback: 200, allowProposedApi: true });
    this.serializer = new serialize.SerializeAddon();
    this.mirror.loadAddon(this.serializer as unknown as headless.ITerminalAddon);
    this.flow = new FlowControl(this.pty);
    this.batcher = new Batcher((data) => this.send(data), opts.batchMs ?? 5);
    this.pty.onData((chunk) => this.onData(chunk as unknown as Buffer));
    this.pty.onExit(({ exitCode, signal }) => this.onExit(signal ? 128 + signal : exitCode));
  }

  get pid(): number { return this.pty.pid; }
  get attached(): boolean { return this.sink !== null; }
  /** Someone has attached at least once (a shell started ahead of the page is not claimed until its page attaches). */
  get claimed(): boolean { return this.claimedOnce; }

  private onData(chunk: Buffer): void {
    if (this.disposed) return;
    const data = this.filter.push(chunk);
    if (!data.length) return;
    this.flow.mirrorWrote(data.length);
    this.mirror.write(data, () => this.flow.mirrorParsed(data.length));
    this.batcher.push(data);
  }

  /** Bytes sent while no one watches still count as unacknowledged: a detached `yes` stops at the high watermark. */
  private send(data: Buffer): void {
    this.flow.sent(data.length);
    this.sink?.output(data);
  }

  private onExit(code: number): void {
    if (this.exitCode !== null) return;
    this.exitCode = code;
    this.batcher.drain();
    this.sink?.exit(code);
    this.opts.onExit?.(code);
    this.dispose();
  }

  /** Start sending output to a viewer; returns the current screen (serialized), not the whole history. */
  async attach(sink: TerminalSink): Promise<string> {
    if (this.disposed) throw new Error('terminal is closed');
    // Stop reading while the mirror catches up, so the replay and the live stream neither overlap nor leave a gap.
    this.pty.pause();
    try {
      await new Promise<void>((resolve) => this.mirror.write('', resolve));
      if (this.disposed) throw new Error('terminal is closed');
      const replay = this.serializer.serialize({ scrollback: 0 });
      this.batcher.discard(); // already in the mirror, hence in the replay
      this.sink = sink;
      this.claimedOnce = true;
      this.flow.reset();
      return replay;
    } finally {
      if (!this.disposed && !this.flow.paused) this.pty.resume();
    }
  }

  detach(sink?: TerminalSink): void {
    if (!sink || this.sink === sink) this.sink = null;
  }

  input(data: string): void {
    if (this.disposed) return;
    this.pty.write(data);
    if (data.includes('\r')) this.opts.onCommand?.();
  }

  ack(chars: number): void { this.flow.acked(chars); }

  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    const size = clampSize(cols, rows);
    this.pty.resize(size.cols, size.rows);
    this.mirror.resize(size.cols, size.rows);
  }

  /** Kills the shell (glassbox-enter and what it runs in the pty's session get SIGHUP, then SIGKILL). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.batcher.discard();
    this.sink = null;
    if (this.exitCode === null) {
      try { this.pty.kill('SIGHUP'); } catch { /* gone */ }
      const pid = this.pty.pid;
      setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, 1000).unref();
    }
    this.mirror.dispose();
  }
}
