import { randomUUID } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { FaultTransport } from '../../src/broker/fault-transport.js';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import type { BrokerChange, Delivery, Message } from '../../src/broker/transport.js';
import { eventually } from '../support/eventually.js';

const message = (type: string, data: unknown = {}): Message => ({ id: randomUUID(), type, source: 'test', time: new Date().toISOString(), data, headers: {} });
/** Resolves once `seen` holds `n` deliveries; throws (with what it holds) if it never does. */
const delivered = (seen: Delivery[], n: number) => eventually(`${n} deliveries`, () => seen.map((d) => `${d.type} ${JSON.stringify(d.data)} ${d.attempt}`), (got) => got.length === n);

let transport: FaultTransport;
afterEach(() => transport?.close());

/** A transport with one consumer group on types A and B, and what it was handed. */
async function consuming(handler: (d: Delivery) => Promise<void> = async () => {}) {
  transport = new FaultTransport(new MemoryTransport(), 300);
  const seen: (Delivery & { at: number })[] = [];
  await transport.subscribe('g', ['A', 'B'], async (d) => {
    seen.push({ ...d, at: Date.now() });
    await handler(d);
  });
  return seen;
}

test('drop: that share of one type is refused at publish (its sender is told, 503), the first one included; other types go through', async () => {
  const seen = await consuming();
  transport.apply({ kind: 'drop', message: 'A', share: 0.5 });
  const outcomes = await Promise.all([1, 2, 3, 4].map((n) => transport.publish(message('A', n)).then(() => 'taken', (e) => `${e.code} ${e.status}`)));
  expect(outcomes).toEqual(['TRANSPORT_CLOSED 503', 'taken', 'TRANSPORT_CLOSED 503', 'taken']);
  await transport.publish(message('B'));
  await delivered(seen, 3);
  expect(seen.map((d) => d.type)).toEqual(['A', 'A', 'B']);
  transport.apply({ kind: 'drop', message: 'A', share: 0 });
  await transport.publish(message('A'));
  await delivered(seen, 4);
});

test('duplicate: every message of the type is on the broker twice, with its id; all: every type', async () => {
  const seen = await consuming();
  transport.apply({ kind: 'duplicate', message: 'A', share: 1 });
  const a = message('A');
  await transport.publish(a);
  await transport.publish(message('B'));
  await delivered(seen, 3);
  expect(seen.filter((d) => d.type === 'A').map((d) => d.id)).toEqual([a.id, a.id]);
  transport.apply({ kind: 'duplicate', message: 'A', share: 0 });
  transport.apply({ kind: 'duplicate', message: 'all', share: 1 });
  await transport.publish(message('B'));
  await delivered(seen, 5);
});

test('late and broker latency: deliveries of the type (or every one) come that much later', async () => {
  const seen = await consuming();
  transport.apply({ kind: 'late', message: 'A', ms: 150 });
  const sent = Date.now();
  await transport.publish(message('A'));
  await transport.publish(message('B'));
  await delivered(seen, 2);
  expect(seen[0].type).toBe('B');
  expect(seen[1].at - sent).toBeGreaterThanOrEqual(140);
  transport.heal();
  transport.apply({ kind: 'broker-latency', ms: 100 });
  const again = Date.now();
  await transport.publish(message('B'));
  await delivered(seen, 3);
  expect(seen[2].at - again).toBeGreaterThanOrEqual(90);
});

test('a cut holds what is published and delivered until it ends, a handler at work loses its ack (delivered again), and listeners hear of it', async () => {
  let release!: () => void;
  const first = new Promise<void>((r) => (release = r));
  const seen = await consuming((d) => (d.data === 'slow' && d.attempt === 1 ? first : Promise.resolve()));
  const changes: BrokerChange[] = [];
  transport.watch((c) => changes.push(c));
  await transport.publish(message('A', 'slow'));
  await delivered(seen, 1);
  transport.apply({ kind: 'broker-cut', on: true });
  release();
  let published = false;
  const publishing = transport.publish(message('B', 'during')).then(() => (published = true));
  await new Promise((r) => setTimeout(r, 100));
  expect(published).toBe(false);
  expect(await transport.pending()).toBeGreaterThan(0);
  expect(seen).toHaveLength(1);
  transport.apply({ kind: 'broker-cut', on: false });
  await publishing;
  await delivered(seen, 3);
  expect(seen.map((d) => `${d.data} ${d.attempt}`).sort()).toEqual(['during 1', 'slow 1', 'slow 2']);
  expect(changes).toEqual([{ up: false, detail: expect.stringContaining('cut') }, { up: true }]);
});

test('a publish waits for a cut broker at most its hold time, then is refused', async () => {
  await consuming();
  transport.apply({ kind: 'broker-cut', on: true });
  await expect(transport.publish(message('A'))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED', message: expect.stringContaining('did not come back within 300 ms') });
  transport.heal();
  await transport.publish(message('A'));
});

test('a request: the command may be dropped; its reply comes as late as the broker is slow', async () => {
  transport = new FaultTransport(new MemoryTransport());
  await transport.subscribe('svc', ['Ask'], async (d) => transport.publish({ ...message('Answer'), headers: { correlationid: d.headers.correlationid } }));
  const ask = () => transport.request({ ...message('Ask'), headers: { correlationid: randomUUID() } }, { replyTypes: ['Answer'], timeoutMs: 2_000 });
  transport.apply({ kind: 'drop', message: 'Ask', share: 1 });
  await expect(ask()).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  transport.heal();
  transport.apply({ kind: 'late', message: 'Answer', ms: 120 });
  const started = Date.now();
  expect((await ask()).type).toBe('Answer');
  expect(Date.now() - started).toBeGreaterThanOrEqual(110);
});
