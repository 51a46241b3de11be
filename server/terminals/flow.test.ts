// flow.test.ts - watermark arithmetic, batching and the OSC 52 filter, without a container.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../app/lib/protocol.ts';
import { Batcher, FlowControl, Osc52Filter } from './flow.ts';

function fakePty() {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

test('flow control pauses above the high watermark and resumes only below the low one', () => {
  const p = fakePty();
  const flow = new FlowControl(p);
  flow.sent(LIMITS.highWatermark); // at, not above
  assert.deepEqual(p.calls, []);
  flow.sent(1);
  assert.deepEqual(p.calls, ['pause']);
  flow.sent(50_000); // still paused: no second pause
  assert.deepEqual(p.calls, ['pause']);
  // the client acks every ackEvery chars; it must get below low before the pty reads again
  let acks = 0;
  while (flow.paused) { flow.acked(LIMITS.ackEvery); acks++; assert.ok(acks < 1000); }
  assert.deepEqual(p.calls, ['pause', 'resume']);
  assert.ok(flow.unacked < LIMITS.lowWatermark);
  assert.ok(flow.unacked > LIMITS.lowWatermark - LIMITS.ackEvery - 1, 'resumed as soon as it went below low');
  flow.acked(10_000_000);
  assert.equal(flow.unacked, 0, 'never negative');
});

test('ackEvery does not exceed lowWatermark, or a paused terminal would never resume', () => {
  assert.ok(LIMITS.ackEvery <= LIMITS.lowWatermark);
});

test('the screen mirror backlog pauses the pty too, and reset() forgets what a departed viewer never acked', () => {
  const p = fakePty();
  const flow = new FlowControl(p);
  flow.mirrorWrote(LIMITS.highWatermark + 1);
  assert.equal(flow.paused, true);
  flow.mirrorParsed(LIMITS.highWatermark + 1);
  assert.equal(flow.paused, false);
  flow.sent(LIMITS.highWatermark * 2);
  assert.equal(flow.paused, true);
  flow.reset();
  assert.equal(flow.paused, false);
  assert.deepEqual(p.calls, ['pause', 'resume', 'pause', 'resume']);
});

test('batcher: output after a quiet spell at once, then one frame per window, or at once at the size cap', async () => {
  const frames: Buffer[] = [];
  const b = new Batcher((d) => frames.push(d), 5, 10);
  b.push(Buffer.from('a')); // after a quiet spell: at once (a keystroke's echo waits for nothing)
  assert.deepEqual(frames.map(String), ['a']);
  b.push(Buffer.from('bc'));
  b.push(Buffer.from('def'));
  assert.equal(frames.length, 1, 'within the window output is gathered');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(frames.map(String), ['a', 'bcdef']);
  await new Promise((r) => setTimeout(r, 20));
  b.push(Buffer.from('0')); // quiet again: leading edge
  b.push(Buffer.from('123456789AB')); // past maxBytes: sent without waiting for the window
  assert.deepEqual(frames.map(String), ['a', 'bcdef', '0', '123456789AB']);
  b.push(Buffer.from('x'));
  b.discard();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(frames.length, 4);
});

function filterAll(chunks: string[]): string {
  const f = new Osc52Filter();
  return chunks.map((c) => f.push(Buffer.from(c, 'latin1')).toString('latin1')).join('');
}

test('OSC 52 is removed (BEL, ST and C1 terminators), other OSCs and text pass unchanged', () => {
  assert.equal(filterAll(['a\x1b]52;c;aGVsbG8=\x07b']), 'ab');
  assert.equal(filterAll(['a\x1b]52;c;aGVsbG8=\x1b\\b']), 'ab');
  assert.equal(filterAll(['a\xc2\x9d52;c;?\xc2\x9cb']), 'ab');
  assert.equal(filterAll(['\x1b]0;title\x07x']), '\x1b]0;title\x07x');
  assert.equal(filterAll(['\x1b]8;;https://e.org\x07l\x1b]8;;\x07']), '\x1b]8;;https://e.org\x07l\x1b]8;;\x07');
  assert.equal(filterAll(['\x1b]520;x\x07']), '\x1b]520;x\x07');
  assert.equal(filterAll(['\x1b[31mred\x1b[0m \xc2\xa9']), '\x1b[31mred\x1b[0m \xc2\xa9');
  // ESC (not ST) inside the dropped OSC ends it and starts the next sequence
  assert.equal(filterAll(['\x1b]52;c;xx\x1b[1mB']), '\x1b[1mB');
});

test('OSC 52 split at every possible chunk boundary is still removed', () => {
  const stream = 'before\x1b]52;c;c2VjcmV0\x1b\\after\x1b]2;t\x07end';
  for (let i = 0; i <= stream.length; i++) {
    for (let j = i; j <= stream.length; j += 3) {
      assert.equal(filterAll([stream.slice(0, i), stream.slice(i, j), stream.slice(j)]), 'beforeafter\x1b]2;t\x07end', `split at ${i},${j}`);
    }
  }
  // one byte at a time
  assert.equal(filterAll([...stream]), 'beforeafter\x1b]2;t\x07end');
});
