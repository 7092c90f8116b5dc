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

test('past its limit the recorder drops the oldest hops, from the trace index too', () => {
  const recorder = new Recorder(true, 100);
  for (let i = 0; i < 101; i++) record(recorder, `t${i % 3}`, `hop ${i}`);
  const kept = recorder.all();
  expect(kept).toHaveLength(91);
  expect(kept[0].label).toBe('hop 10');
  expect(recorder.trace('t0').length + recorder.trace('t1').length + recorder.trace('t2').length).toBe(91);
  expect(recorder.trace('t0')[0].label).toBe('hop 12');
});

test('with tracing off nothing is kept', () => {
  const recorder = new Recorder(false);
  record(recorder, 't', 'x');
  expect(recorder.all()).toEqual([]);
});
