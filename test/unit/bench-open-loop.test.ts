import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runOpenLoop } from '../../src/bench/open-loop.js';
import { describe, expect, test } from 'vitest';
import { openLoopSchedule, ScheduleError } from '../../src/bench/open-loop-schedule.js';
import { compare } from '../../src/bench/comparisons.js';

describe('open-loop schedule', () => {
  test('request i is meant to go out at i / rate: evenly spaced, rate × duration requests', () => {
    const schedule = openLoopSchedule(200, 3);
    expect(schedule.count).toBe(600);
    const offsets = Array.from({ length: schedule.count }, (_, i) => schedule.offsetMs(i));
    expect(offsets[0]).toBe(0);
    const gaps = offsets.slice(1).map((t, i) => t - offsets[i]);
    for (const gap of gaps) expect(gap).toBeCloseTo(5, 9);
    expect(offsets[offsets.length - 1]).toBeCloseTo(2995, 9);
  });

  test('no bursts: at any moment, exactly the requests whose time has come are due', () => {
    const schedule = openLoopSchedule(1000 / 7, 2); // one every 7 ms
    expect(schedule.dueBefore(0)).toBe(1);
    expect(schedule.dueBefore(6.9)).toBe(1);
    expect(schedule.dueBefore(7)).toBe(2);
    expect(schedule.dueBefore(70)).toBe(11);
    expect(schedule.dueBefore(1e9)).toBe(schedule.count);
    for (let t = 0; t < 2000; t += 3.3) {
      const due = schedule.dueBefore(t);
      expect(schedule.offsetMs(due - 1)).toBeLessThanOrEqual(t + 1e-9);
      if (due < schedule.count) expect(schedule.offsetMs(due)).toBeGreaterThan(t);
    }
  });

  test('a fractional rate and a short duration still give at least one request', () => {
    expect(openLoopSchedule(0.5, 1).count).toBe(1);
    expect(openLoopSchedule(2.5, 2).count).toBe(5);
    expect(openLoopSchedule(2.5, 2).offsetMs(4)).toBe(1600);
  });

  test('a rate or duration that is not above 0 is refused', () => {
    expect(() => openLoopSchedule(0, 1)).toThrow(ScheduleError);
    expect(() => openLoopSchedule(10, Number.NaN)).toThrow(ScheduleError);
  });
});

describe('comparisons in plain words', () => {
  test('overlapping spreads say so, disjoint ones give the ratio, single measurements claim nothing', () => {
    expect(compare('orders/s', 'hybrid', [700, 760, 740], 'event-notification', [690, 720, 710], 'orders/s')).toMatchObject({ withinSpread: true, text: expect.stringContaining("hybrid and event-notification: within each other's spread (n=3), no difference shown") });
    const apart = compare('orders/s', 'hybrid', [700, 760, 740], 'http', [430, 470, 450], 'orders/s');
    expect(apart.withinSpread).toBe(false);
    expect(apart.text).toContain('hybrid higher than http: 1.63× (n=3, 1.62–1.64), the spreads do not overlap');
    expect(compare('orders/s', 'a', [2], 'b', [1], 'orders/s')).toMatchObject({ withinSpread: null, text: expect.stringContaining('no spread to judge a difference by') });
  });
});

test('overlapping spreads whose round-by-round pairs all lean one way say so, still without calling it a difference', () => {
  const c = compare('tracing', 'hybrid tracing on', [188, 227, 245], 'tracing off', [236, 268, 295], 'orders/s');
  expect(c.withinSpread).toBe(true);
  expect(c.text).toContain('no difference shown');
  expect(c.text).toContain('paired round by round, hybrid tracing on was lower in each of the 3 rounds');
});

describe('every request the open loop meant to send counts in its latency', () => {
  test('one answered, one failed (connection cut) and one never answered (timed out): three samples, the last at least its timeout', async () => {
    let n = 0;
    const server = createServer((req, res) => {
      n++;
      if (n === 2) return void req.socket.destroy();
      if (n === 3) return; // never answered
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await runOpenLoop(url, '/', [], { rate: 10, durationSeconds: 0.3, maxInFlight: 3, timeoutSeconds: 0.5 }, () => {});
      expect(result).toMatchObject({ samples: 3, errors: 1, timeouts: 1, notSent: 0, statusCodes: { 200: 1 } });
      expect(result.latencyMs.max).toBeGreaterThanOrEqual(500);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
