import { expect, test } from 'vitest';
import { CapacityGate, capacityText, parseCapacity } from '../../src/system/capacity.js';

test('a capacity is read as service=WORKERSxTIME, and said back the same way; anything else is one clear line', () => {
  expect(parseCapacity('billing=1x20ms, identity=2x1s')).toEqual({ billing: { workers: 1, serviceTimeMs: 20 }, identity: { workers: 2, serviceTimeMs: 1000 } });
  expect(capacityText(parseCapacity('billing=3x5ms'))).toBe('billing=3x5ms');
  expect(() => parseCapacity('payments=1x20ms')).toThrow('write service=WORKERSxTIME, e.g. billing=1x20ms');
  expect(() => parseCapacity('billing=0x20ms')).toThrow('workers from 1 to 1000');
  expect(() => parseCapacity('billing=1xsoon')).toThrow('not a duration');
});

test('an instance holds at most its workers at once, each for its service time, and serves every request in the end', async () => {
  const gate = new CapacityGate({ workers: 2, serviceTimeMs: 5 });
  let running = 0;
  let most = 0;
  const done = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      gate.run(async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return i;
      }),
    ),
  );
  expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(most).toBe(2);
  expect(gate.seen).toEqual({ maxInFlight: 2, served: 10 });
});
