import { expect, test } from 'vitest';
import { newId, randomHex } from '../../src/core/ids.js';
import { newSpanId, newTraceId } from '../../src/tracing/context.js';

test('new ids are distinct version-7 UUIDs that sort by the millisecond they were made in', async () => {
  const first = Array.from({ length: 5_000 }, () => newId());
  await new Promise((resolve) => setTimeout(resolve, 5));
  const later = newId();
  expect(new Set(first).size).toBe(first.length);
  for (const id of [...first, later]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const millis = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  expect(first.every((id, i) => i === 0 || millis(id) >= millis(first[i - 1]))).toBe(true);
  expect(millis(later)).toBeGreaterThan(millis(first[0]));
  expect([...first, later].sort().at(-1)).toBe(later);
});

test('random hex and trace ids come from the pool in the lengths W3C Trace Context asks for, past its refills', () => {
  const spans = Array.from({ length: 2_000 }, () => newSpanId());
  expect(new Set(spans).size).toBe(spans.length);
  expect(spans.every((s) => /^[0-9a-f]{16}$/.test(s))).toBe(true);
  expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
  expect(randomHex(3)).toMatch(/^[0-9a-f]{6}$/);
});

test('an id made for a moment carries that moment', () => {
  const at = Date.parse('2026-01-02T03:04:05.678Z');
  expect(parseInt(newId(at).replace(/-/g, '').slice(0, 12), 16)).toBe(at);
});
