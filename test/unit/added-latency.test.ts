import { expect, test } from 'vitest';
import { ServiceBus } from '../../src/broker/service-bus.js';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { sleepAtLeast } from '../../src/core/duration.js';
import { Recorder } from '../../src/tracing/recorder.js';
import { eventually } from '../support/eventually.js';

/** Holds the thread: the event loop's clock, which timers count from, falls behind by as much. */
const hold = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

test('a pause of n ms lasts n ms at least by the clock that times hops, even when the event loop clock is behind', async () => {
  for (let i = 0; i < 20; i++) {
    hold(5);
    const start = performance.now();
    await sleepAtLeast(3);
    expect(performance.now() - start).toBeGreaterThanOrEqual(3);
  }
});

test('latency added to a consumer shows in full on every delivery it slowed', async () => {
  const recorder = new Recorder();
  const transport = new MemoryTransport();
  const bus = new ServiceBus('billing', transport, recorder);
  let handled = 0;
  // Each delivery's work holds the thread, so the next one's pause starts while the event loop's clock is behind.
  await bus.subscribe(['UserCreated'], async () => {
    hold(6);
    handled++;
  });
  bus.latencyMs = 4;
  for (let i = 0; i < 25; i++) await bus.publish(undefined, 'UserCreated', { i });
  await eventually('every delivery handled', () => handled, (n) => n === 25);
  await eventually('every delivery recorded', () => recorder.all().filter((h) => h.kind === 'consume').length, (n) => n === 25);
  const times = recorder.all().filter((h) => h.kind === 'consume').map((h) => h.end - h.start);
  expect(times.filter((ms) => ms < 4)).toEqual([]);
  await transport.close();
});
