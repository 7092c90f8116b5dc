import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { AlreadyProcessed, Store } from '../../src/storage/store.js';
import { newSpanId, newTraceId, withTrace } from '../../src/tracing/context.js';

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
