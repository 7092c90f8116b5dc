import { expect, test } from 'vitest';
import { Recorder } from '../../src/tracing/recorder.js';

const record = (recorder: Recorder, traceId: string, label: string) =>
  recorder.begin({ kind: 'http', from: 'a', to: 'b', label, traceId }).end({ status: 200 });

test('a trace lists its hops by start time, with the open ones counted until they end', () => {
  const recorder = new Recorder();
  const outer = recorder.begin({ kind: 'http', from: 'Client', to: 'gateway', label: 'POST /x', traceId: 't1' });
  record(recorder, 't1', 'inner');
  record(recorder, 't2', 'other');
  expect(recorder.inFlight).toBe(1);
  outer.end({ status: 201 });
  expect(recorder.inFlight).toBe(0);
  expect(recorder.trace('t1').map((h) => h.label)).toEqual(['POST /x', 'inner']);
  expect(recorder.trace('t1')[0].status).toBe(201);
});

test('past its limit the recorder drops the oldest hop, from the trace index too', () => {
  const recorder = new Recorder(true, 100);
  for (let i = 0; i < 101; i++) record(recorder, `t${i % 3}`, `hop ${i}`);
  const kept = recorder.all();
  expect(kept).toHaveLength(100);
  expect(kept[0].label).toBe('hop 1');
  expect(recorder.window).toEqual({ kept: 100, dropped: 1, limit: 100 });
  expect(recorder.trace('t0').length + recorder.trace('t1').length + recorder.trace('t2').length).toBe(100);
  expect(recorder.trace('t0')[0].label).toBe('hop 3');
  for (let i = 101; i < 350; i++) record(recorder, `t${i % 3}`, `hop ${i}`);
  expect(recorder.all().map((h) => h.label)).toEqual(Array.from({ length: 100 }, (_, i) => `hop ${250 + i}`));
  expect(recorder.trace('t1').map((h) => h.label)).toEqual(recorder.all().filter((h) => h.traceId === 't1').map((h) => h.label));
});

test('a hop reads back as it was recorded: ids, names, status and times, optional parts only where given', () => {
  const recorder = new Recorder(true, 10);
  const traceId = 'a'.repeat(31) + 'b';
  const messageId = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
  const outer = recorder.begin({ kind: 'publish', from: 'order', to: 'Broker', label: 'OrderPlaced', traceId, spanId: '00000000000000ff', parentSpanId: '0123456789abcdef', messageId });
  outer.end({ outcome: 'nack' });
  outer.end({ outcome: 'ok' });
  recorder.local('order', 'not-hex trace', undefined, 'order pending');
  const [publish, local] = recorder.all();
  expect(publish).toMatchObject({ kind: 'publish', from: 'order', to: 'Broker', label: 'OrderPlaced', traceId, spanId: '00000000000000ff', parentSpanId: '0123456789abcdef', messageId, outcome: 'nack' });
  expect(publish.end).toBeGreaterThanOrEqual(publish.start);
  expect(Object.keys(local).sort()).toEqual(['end', 'from', 'kind', 'label', 'outcome', 'spanId', 'start', 'to', 'traceId']);
  expect(local.traceId).toBe('not-hex trace');
  expect(local.spanId).toMatch(/^[0-9a-f]{16}$/);
});

test('a hop that outlives the ring while open is still recorded when it ends', () => {
  const recorder = new Recorder(true, 10);
  const open = recorder.begin({ kind: 'http', from: 'Client', to: 'gateway', label: 'POST /x', traceId: 'long' });
  for (let i = 0; i < 25; i++) record(recorder, 'busy', `hop ${i}`);
  open.end({ status: 201 });
  expect(recorder.trace('long')).toMatchObject([{ label: 'POST /x', status: 201 }]);
  expect(recorder.all()).toHaveLength(10);
});

test('with tracing off nothing is kept', () => {
  const recorder = new Recorder(false);
  record(recorder, 't', 'x');
  expect(recorder.all()).toEqual([]);
});
