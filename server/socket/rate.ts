// rate.ts - per-socket rate limits: token buckets per kind of event, and a strike count that ends an abusive socket.
import type { ClientEventName } from '../../app/lib/protocol.ts';

/** Events per second (and burst) by kind: keystrokes and acks are hot paths; everything else is a click. */
export const RATES = {
  input: 200, // terminal:input
  ack: 2000, // terminal:ack: one per ackEvery chars rendered; a fast browser renders megabytes per second
  other: 20,
} as const;

/** Refusals within `strikeWindowMs` after which the socket is disconnected. */
export const STRIKES = { max: 50, windowMs: 10_000 };

class Bucket {
  private tokens: number;
  private last = Date.now();
  constructor(private readonly rate: number) { this.tokens = rate; }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class RateLimiter {
  private readonly buckets = { input: new Bucket(RATES.input), ack: new Bucket(RATES.ack), other: new Bucket(RATES.other) };
  private strikes: number[] = [];

  /** true: go ahead; false: refuse this one. */
  allow(event: ClientEventName): boolean {
    const kind = event === 'terminal:input' ? 'input' : event === 'terminal:ack' ? 'ack' : 'other';
    return this.buckets[kind].take();
  }

  /** Records a refusal (rate or invalid payload); true when the socket has earned a disconnect. */
  strike(): boolean {
    const now = Date.now();
    this.strikes = this.strikes.filter((t) => now - t < STRIKES.windowMs);
    this.strikes.push(now);
    return this.strikes.length > STRIKES.max;
  }
}
