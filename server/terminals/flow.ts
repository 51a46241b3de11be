// flow.ts - the byte-level parts of a terminal: watermark flow control, output batching and the OSC 52 filter.
import { LIMITS } from '../../app/lib/protocol.ts';

/** Something that can stop and restart reading from the pty (node-pty's pause/resume; a fake in the tests). */
export interface Pausable { pause(): void; resume(): void }

/**
 * VS Code's flow control: every frame sent adds its length to `unacked`; the browser acknowledges what xterm has
 * rendered (from its write callback). Above highWatermark the pty is paused, so a `yes` blocks in write(2) instead of
 * growing the server's memory; below lowWatermark it resumes. ackEvery must not exceed lowWatermark, or a paused
 * terminal would wait for an acknowledgement that never comes. A second counter covers the server-side screen mirror.
 */
export class FlowControl {
  unacked = 0;
  mirrorPending = 0;
  paused = false;
  pauses = 0;
  resumes = 0;
  constructor(private readonly target: Pausable, private readonly high: number = LIMITS.highWatermark, private readonly low: number = LIMITS.lowWatermark) {
    if (LIMITS.ackEvery > LIMITS.lowWatermark) throw new Error('LIMITS.ackEvery must not exceed LIMITS.lowWatermark');
  }

  sent(chars: number): void { this.unacked += chars; this.update(); }
  acked(chars: number): void { this.unacked = Math.max(0, this.unacked - chars); this.update(); }
  mirrorWrote(chars: number): void { this.mirrorPending += chars; this.update(); }
  mirrorParsed(chars: number): void { this.mirrorPending = Math.max(0, this.mirrorPending - chars); this.update(); }
  /** A new viewer starts from the replayed screen: nothing it has not seen is outstanding. */
  reset(): void { this.unacked = 0; this.update(); }

  private update(): void {
    const level = Math.max(this.unacked, this.mirrorPending);
    if (!this.paused && level > this.high) {
      this.paused = true;
      this.pauses++;
      this.target.pause();
    } else if (this.paused && level < this.low) {
      this.paused = false;
      this.resumes++;
      this.target.resume();
    }
  }
}

/** Collects output for `delayMs` or until `maxBytes`, then hands one buffer to flush: one frame, not one per read. */
export class Batcher {
  private parts: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly flush: (data: Buffer) => void, private readonly delayMs = 5, private readonly maxBytes = 32 * 1024) {}

  /**
   * Leading edge: output after a quiet spell (a keystroke's echo) goes out at once; whatever follows within
   * delayMs is gathered into one frame, so a flood still costs one frame per window, and an echo costs no wait.
   */
  push(data: Buffer): void {
    if (!data.length) return;
    if (!this.timer) {
      this.flush(data);
      this.timer = setTimeout(() => this.windowEnd(), this.delayMs);
      return;
    }
    this.parts.push(data);
    this.size += data.length;
    if (this.size >= this.maxBytes) this.send();
  }

  /** Send what is waiting now (before a pause, a detach or an exit). */
  drain(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.send();
  }

  /** Forget what is waiting (it is already in the screen mirror that a re-attach replays). */
  discard(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.parts = [];
    this.size = 0;
  }

  private windowEnd(): void {
    this.timer = null;
    if (!this.size) return; // quiet: the next output is a leading edge again
    this.send();
    this.timer = setTimeout(() => this.windowEnd(), this.delayMs);
  }

  private send(): void {
    if (!this.size) return;
    const data = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.flush(data);
  }
}

const ESC = 0x1b, BEL = 0x07, C2 = 0xc2, OSC_C1 = 0x9d, ST_C1 = 0x9c, CAN = 0x18, SUB = 0x1a;
type State = 'text' | 'esc' | 'c2' | 'head' | 'drop' | 'dropEsc' | 'dropC2';

/**
 * Removes OSC 52 (set/query the clipboard) from a byte stream, so a program in the container can neither write to
 * nor read the learner's clipboard. Sequences are matched across chunk boundaries: an OSC introducer (ESC ] or the
 * C1 form U+009D) and its number are held back until the number is known; an OSC 52 is dropped up to its terminator
 * (BEL, ESC \, U+009C; CAN and SUB abort it), everything else passes unchanged. The held prefix is a few bytes.
 */
export class Osc52Filter {
  private state: State = 'text';
  private held: number[] = [];
  dropped = 0;

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let start = 0; // start of a pass-through span in `text` state
    let i = 0;
    const emitSpan = (end: number) => { if (end > start) out.push(chunk.subarray(start, end)); };
    while (i < chunk.length) {
      const b = chunk[i];
      switch (this.state) {
        case 'text': {
          // fast path: copy up to the next byte that could start a sequence
          let j = i;
          while (j < chunk.length && chunk[j] !== ESC && chunk[j] !== C2) j++;
          if (j === chunk.length) { i = j; continue; }
          emitSpan(j);
          this.held = [chunk[j]];
          this.state = chunk[j] === ESC ? 'esc' : 'c2';
          i = j + 1;
          start = i;
          continue;
        }
        case 'esc':
        case 'c2':
          if ((this.state === 'esc' && b === 0x5d) || (this.state === 'c2' && b === OSC_C1)) {
            this.held.push(b);
            this.state = 'head';
            i++;
            start = i;
          } else {
            this.release(out); // not an OSC: the held byte goes out, this byte is looked at again as text
            this.state = 'text';
            start = i;
          }
          continue;
        case 'head': {
          const digits = this.held.length - (this.held[0] === ESC || this.held[0] === C2 ? 2 : 0);
          if (b >= 0x30 && b <= 0x39 && digits < 6) { this.held.push(b); i++; start = i; continue; }
          const number = String.fromCharCode(...this.held.slice(2));
          if (b === 0x3b && number === '52') {
            this.held = [];
            this.state = 'drop';
            this.dropped++;
            i++;
            start = i;
          } else {
            this.release(out);
            this.state = 'text';
            start = i;
          }
          continue;
        }
        case 'drop':
          if (b === BEL || b === CAN || b === SUB) this.state = 'text';
          else if (b === ESC) this.state = 'dropEsc';
          else if (b === C2) this.state = 'dropC2';
          i++;
          start = i;
          continue;
        case 'dropEsc':
          if (b === 0x5c) { this.state = 'text'; i++; start = i; continue; }
          // ESC followed by anything else ends the OSC and begins a new sequence (as xterm's parser does)
          this.held = [ESC];
          this.state = 'esc';
          start = i;
          continue;
        case 'dropC2':
          this.state = b === ST_C1 ? 'text' : 'drop';
          i++;
          start = i;
          continue;
      }
    }
    if (this.state === 'text') emitSpan(chunk.length);
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  private release(out: Buffer[]): void {
    if (this.held.length) out.push(Buffer.from(this.held));
    this.held = [];
  }
}
