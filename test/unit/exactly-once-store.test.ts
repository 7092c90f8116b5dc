import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { OutboxRelay } from '../../src/broker/outbox-relay.js';
import { ServiceBus } from '../../src/broker/service-bus.js';
import type { Transport } from '../../src/broker/transport.js';
import { sleep } from '../../src/core/duration.js';
import { openDatabase } from '../../src/storage/database.js';
import { AlreadyProcessed, Store } from '../../src/storage/store.js';
import { newSpanId, newTraceId, withTrace } from '../../src/tracing/context.js';
import { Recorder } from '../../src/tracing/recorder.js';
import { forwarding } from '../support/forwarding-transport.js';

const schema = 'CREATE TABLE IF NOT EXISTS effects (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT NOT NULL);';
let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderctl-eo-store-'));
  store = new Store(openDatabase(dir, 'unit', schema));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Handles one delivery of message `id`: its writes run inside the delivery's context, as the service bus runs them. */
const deliver = <T>(id: string, work: () => T): T =>
  withTrace({ service: 'unit', traceId: newTraceId(), spanId: newSpanId(), delivery: { consumer: 'unit.Test', messageId: id, recorded: false } }, work);
const effects = () => (store.db.prepare('SELECT COUNT(*) AS n FROM effects').get() as { n: number }).n;

test('a delivery whose first write rolled back is still recorded by its next write, so its redelivery is a duplicate', () => {
  deliver('m-1', () => {
    expect(() =>
      store.write(() => {
        store.sql("INSERT INTO effects (note) VALUES ('undone')").run();
        throw new Error('refused');
      }),
    ).toThrow('refused');
    store.write(() => store.sql("INSERT INTO effects (note) VALUES ('done')").run());
  });
  expect(effects()).toBe(1);
  // The broker delivers the same message again: the inbox must recognise it.
  expect(() => deliver('m-1', () => store.write(() => store.sql("INSERT INTO effects (note) VALUES ('again')").run()))).toThrow(AlreadyProcessed);
  expect(effects()).toBe(1);
});

test('two relays on one outbox send every row once, one at a time per aggregate, in order', async () => {
  const transport = new MemoryTransport();
  const seen: { id: string; aggregate: string; n: number }[] = [];
  let inFlight = 0;
  let overlap = false;
  const busy = new Set<string>();
  const slow: Transport = {
    ...forwarding(transport),
    publish: async (message) => {
      const { aggregate } = message.data as { aggregate: string };
      if (busy.has(aggregate)) overlap = true;
      busy.add(aggregate);
      inFlight++;
      await sleep(2);
      inFlight--;
      busy.delete(aggregate);
      await transport.publish(message);
    },
  };
  await transport.subscribe('listener', ['Moved'], async (d) => void seen.push({ id: d.id, ...(d.data as { aggregate: string; n: number }) }));
  const relays = [1, 2].map(() => {
    const relay = new OutboxRelay(store, new ServiceBus('unit', slow, new Recorder()), 20);
    relay.route('Moved', (p) => ({ type: 'Moved', data: p }));
    return relay;
  });
  for (let n = 0; n < 40; n++) store.write(() => store.raise('Moved', { aggregate: `a${n % 4}`, n }, { aggregate: `a${n % 4}` }));
  relays.forEach((r) => r.start());
  const deadline = Date.now() + 10_000;
  while ((store.waiting() > 0 || seen.length < 40) && Date.now() < deadline) await sleep(10);
  await Promise.all(relays.map((r) => r.stop()));
  await transport.close();
  expect(new Set(seen.map((s) => s.id)).size).toBe(40);
  expect(seen).toHaveLength(40);
  expect(overlap).toBe(false);
  expect(inFlight).toBe(0);
  for (const a of ['a0', 'a1', 'a2', 'a3']) {
    const ns = seen.filter((s) => s.aggregate === a).map((s) => s.n);
    expect(ns).toEqual([...ns].sort((x, y) => x - y));
  }
});

test('inbox records older than the retention window are pruned, newer ones stay', () => {
  store.db.prepare("INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('c', 'old', '2000-01-01T00:00:00.000Z')").run();
  deliver('new', () => store.write(() => store.sql("INSERT INTO effects (note) VALUES ('new')").run()));
  expect(store.pruneInbox(7 * 24 * 3_600_000)).toBe(1);
  expect((store.db.prepare('SELECT message_id FROM inbox').all() as { message_id: string }[]).map((r) => r.message_id)).toEqual(['new']);
});
