// protocol.test.ts - parseClient: every browser payload is checked, bad ones refused with the field named, bounds enforced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS, PROTOCOL_VERSION, clientEvents, parseClient, type ClientEventName } from '../../app/lib/protocol.ts';

const T = 't0123456789ab';
const C = '0123456789ab';

function refused(event: ClientEventName, payload: unknown, field: string) {
  const r = parseClient(event, payload);
  assert.equal(r.ok, false, `${event} ${JSON.stringify(payload)} was accepted`);
  if (!r.ok) assert.ok(r.message.startsWith(`${event}: ${field}`), `message "${r.message}" should name ${field}`);
}

test('good payloads pass and come back typed', () => {
  assert.deepEqual(parseClient('hello', { version: PROTOCOL_VERSION }), { ok: true, value: { version: PROTOCOL_VERSION } });
  const open = parseClient('terminal:open', { containerId: C, cols: 80, rows: 24 });
  assert.equal(open.ok, true);
  assert.equal(parseClient('terminal:input', { terminalId: T, data: 'x'.repeat(LIMITS.inputBytes) }).ok, true);
});

test('bad payloads are refused, naming the field', () => {
  refused('hello', { version: 99 }, 'version');
  refused('hello', {}, 'version');
  refused('hello', 'hi', 'payload');
  refused('hello', null, 'payload');
  refused('lesson:open', { lessonId: '../etc' }, 'lessonId');
  refused('lesson:open', { lessonId: 'A'.repeat(65) }, 'lessonId');
  refused('terminal:open', { containerId: 'zz', cols: 80, rows: 24 }, 'containerId');
  refused('terminal:open', { containerId: C, terminalId: 'x', cols: 80, rows: 24 }, 'terminalId');
  refused('terminal:input', { terminalId: T, data: 7 }, 'data');
  refused('step:check', { lessonId: 'a', stepId: 'b', extra: 1 }, 'payload');
  refused('playground:create', { config: {} }, 'config');
  refused('watch:start', { containerId: C, panels: ['kernel-memory'] }, 'panels');
  refused('watch:start', { containerId: C, panels: [] }, 'panels');
});

test('bounds: sizes, resize values and ack counts', () => {
  refused('terminal:input', { terminalId: T, data: 'x'.repeat(LIMITS.inputBytes + 1) }, 'data');
  refused('terminal:resize', { terminalId: T, cols: LIMITS.cols.max + 1, rows: 24 }, 'cols');
  refused('terminal:resize', { terminalId: T, cols: 80, rows: 0 }, 'rows');
  refused('terminal:resize', { terminalId: T, cols: 80.5, rows: 24 }, 'cols');
  refused('terminal:resize', { terminalId: T, cols: Number.NaN, rows: 24 }, 'cols');
  refused('terminal:ack', { terminalId: T, chars: -1 }, 'chars');
  refused('terminal:ack', { terminalId: T, chars: 1e12 }, 'chars');
  refused('playground:create', { config: 'x'.repeat(LIMITS.configBytes + 1) }, 'config');
});

test('only declared events exist; prototype names are not events', () => {
  const r = parseClient('toString' as ClientEventName, {});
  assert.equal(r.ok, false);
  assert.ok(Object.keys(clientEvents).includes('terminal:open'));
});
