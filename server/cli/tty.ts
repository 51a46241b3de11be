// tty.ts - a pseudo-terminal between the user's terminal and a container: raw mode, resize, and the bytes both ways.
import tty from 'node:tty';
import type net from 'node:net';
import native from '../../native/index.ts';

export interface PtyBridge {
  slave: number;
  /** Start copying once the container holds the slave; resolves when the container side has closed. */
  attach(): Promise<void>;
  dispose(): void;
}

export function openPtyBridge(): PtyBridge {
  const { master, slave } = native.openpty();
  const stdin = process.stdin;
  const resize = () => {
    try { native.setWinsize(master, process.stdout.columns || 80, process.stdout.rows || 24); } catch { /* closed */ }
  };
  resize();
  let sock: net.Socket | null = null;
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    process.stdout.off('resize', resize);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.unpipe();
    stdin.pause();
    sock?.destroy();
  };
  return {
    slave,
    attach() {
      return new Promise<void>((resolve) => {
        // tty.ReadStream wraps libuv's tty handle (net.Socket refuses tty fds); it passes `writable` on to net.Socket.
        sock = new tty.ReadStream(master, { writable: true } as ConstructorParameters<typeof tty.ReadStream>[1]);
        if (stdin.isTTY) stdin.setRawMode(true);
        stdin.pipe(sock);
        sock.pipe(process.stdout);
        process.stdout.on('resize', resize);
        // EIO on the master means every slave is closed: the container's side of the terminal is gone.
        sock.on('error', () => resolve());
        sock.on('close', () => resolve());
        sock.on('end', () => resolve());
      });
    },
    dispose,
  };
}
