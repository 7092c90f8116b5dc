import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { OutboxRelay } from '../../src/broker/outbox-relay.js';
import { ServiceBus } from '../../src/broker/service-bus.js';
import type { Transport } from '../../src/broker/transport.js';
import { sleep } from '../../src/core/duration.js';
import { billingSchema, BillingService, MAX_BALANCE_CENTS, migrateBilling, NO_ACCOUNT, NOT_ENOUGH_MONEY } from '../../src/services/billing/billing-service.js';
import { openDatabase, type StorePlace } from '../../src/storage/database.js';
import { AlreadyProcessed, Store } from '../../src/storage/store.js';
import { newSpanId, newTraceId, type TraceContext } from '../../src/tracing/context.js';
import { Recorder } from '../../src/tracing/recorder.js';
import { eventually } from '../support/eventually.js';
import { forwarding } from '../support/forwarding-transport.js';

/** A fresh place for a test's databases, and how to remove it. */
export interface TestPlace {
  place: StorePlace;
  remove(): void;
}

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const WORKER = join(import.meta.dirname, '../support/store-worker.ts');
/** Runs a job of test/support/store-worker.ts in its own process, as a replica of a service runs. */
const worker = async (job: string, place: StorePlace, ...args: string[]) =>
  (await run(process.execPath, ['--import', 'tsx', WORKER, job, JSON.stringify(place), ...args], { cwd: ROOT })).stdout;

const effectsSchema = 'CREATE TABLE IF NOT EXISTS effects (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT NOT NULL);';

/**
 * What every store keeps, on every engine: money never overdrawn by processes racing on an account,
 * a delivery recorded once even when its first write rolled back, outbox rows claimed by one sender
 * each, idempotency keys answering once, a schema that replicas can open at the same moment.
 */
export function storeContract(name: string, fresh: () => TestPlace): void {
  describe(`the store on ${name}`, () => {
    let at: TestPlace;
    let billingStore: Store;
    let billing: BillingService;
    beforeEach(() => {
      at = fresh();
      billingStore = new Store(openDatabase(at.place, 'billing', billingSchema));
      billing = new BillingService(billingStore);
    });
    afterEach(() => {
      billingStore.close();
      at.remove();
    });
    const ledgerSum = (userId: string) =>
      (billingStore.db.prepare('SELECT COALESCE(SUM(delta_cents), 0) AS s FROM ledger WHERE user_id = ?').get(userId) as { s: number }).s;

    test('a fresh account holds 0 and opening it twice changes nothing', () => {
      billing.openAccount(undefined, 'u1');
      billing.deposit(undefined, 'u1', 500);
      expect(billing.openAccount(undefined, 'u1').amountCents).toBe(500);
    });

    test('a withdrawal beyond the balance is declined as a result, not an exception, and changes nothing', () => {
      billing.openAccount(undefined, 'u1');
      billing.deposit(undefined, 'u1', 1000);
      expect(billing.withdraw(undefined, 'u1', 1001)).toEqual({ ok: false, reason: NOT_ENOUGH_MONEY });
      expect(billing.withdraw(undefined, 'nobody', 1)).toEqual({ ok: false, reason: NO_ACCOUNT });
      expect(billing.account('u1').amountCents).toBe(1000);
      expect(ledgerSum('u1')).toBe(1000);
    });

    test('a deposit that would overflow the balance is refused with a 422 and changes nothing; the largest balance is kept exact', () => {
      billing.openAccount(undefined, 'u1');
      billing.deposit(undefined, 'u1', MAX_BALANCE_CENTS - 10);
      expect(() => billing.deposit(undefined, 'u1', 11)).toThrow(expect.objectContaining({ status: 422 }));
      expect(billing.account('u1').amountCents).toBe(MAX_BALANCE_CENTS - 10);
      expect(ledgerSum('u1')).toBe(MAX_BALANCE_CENTS - 10);
    });

    test('an Idempotency-Key answers its first outcome while kept; pruned past its retention, the key is free for a new request', () => {
      billing.openAccount(undefined, 'u1');
      expect(billing.move(undefined, 'deposit', 'u1', 300, 'key-1')).toEqual({ status: 204, replayed: false });
      expect(billing.move(undefined, 'deposit', 'u1', 300, 'key-1')).toEqual({ status: 204, replayed: true });
      expect(billing.pruneKeys(Date.now() - 60_000)).toBe(0);
      expect(billing.account('u1').amountCents).toBe(300);
      expect(billing.pruneKeys(Date.now() + 1_000)).toBe(1);
      expect(billing.move(undefined, 'deposit', 'u1', 300, 'key-1')).toEqual({ status: 204, replayed: false });
      expect(billing.account('u1').amountCents).toBe(600);
      expect(ledgerSum('u1')).toBe(600);
      // Many old keys go a bounded batch at a time: what a pass leaves, the next one takes.
      for (let i = 0; i < 7; i++) expect(billing.move(undefined, 'deposit', 'u1', 1, `many-${i}`).status).toBe(204);
      expect(billing.pruneKeys(Date.now() + 1_000, { batch: 3, batches: 2 })).toBe(6);
      expect(billing.pruneKeys(Date.now() + 1_000, { batch: 3, batches: 2 })).toBe(2);
      expect(billing.pruneKeys(Date.now() + 1_000, { batch: 3, batches: 2 })).toBe(0);
    });

    test('a payment asked for twice is charged once', () => {
      billing.openAccount(undefined, 'u1');
      billing.deposit(undefined, 'u1', 1000);
      const first = billing.pay(undefined, 'p1', 'u1', 600);
      const again = billing.pay(undefined, 'p1', 'u1', 600);
      expect(first.status).toBe('succeeded');
      expect(again).toEqual(first);
      expect(billing.account('u1').amountCents).toBe(400);
      expect(() => billing.pay(undefined, 'p1', 'u1', 1)).toThrow(/other terms/);
    });

    test('an idempotency key answers its first outcome again without moving money, and refuses another body with a 422', () => {
      billing.openAccount(undefined, 'u1');
      expect(billing.move(undefined, 'deposit', 'u1', 700, 'k1')).toEqual({ status: 204, replayed: false });
      expect(billing.move(undefined, 'deposit', 'u1', 700, 'k1')).toEqual({ status: 204, replayed: true });
      expect(billing.move(undefined, 'withdraw', 'u1', 900, 'k2')).toEqual({ status: 422, message: NOT_ENOUGH_MONEY, replayed: false });
      expect(billing.move(undefined, 'withdraw', 'u1', 900, 'k2')).toEqual({ status: 422, message: NOT_ENOUGH_MONEY, replayed: true });
      expect(billing.move(undefined, 'deposit', 'u1', 1, 'k1')).toMatchObject({ status: 422, replayed: false });
      expect(billing.account('u1').amountCents).toBe(700);
      expect(ledgerSum('u1')).toBe(700);
    });

    test('a payment taken is refunded once (the saga\'s compensation); a failed one has nothing to give back', () => {
      billing.openAccount(undefined, 'u1');
      billing.deposit(undefined, 'u1', 1000);
      billing.pay(undefined, 'p1', 'u1', 600);
      expect(billing.refund(undefined, 'p1')).toEqual({ refunded: true, amountCents: 600 });
      expect(billing.refund(undefined, 'p1')).toEqual({ refunded: true, amountCents: 600 });
      expect(billing.account('u1').amountCents).toBe(1000);
      expect(billing.pay(undefined, 'p2', 'u1', 5000).status).toBe('failed');
      expect(billing.refund(undefined, 'p2')).toEqual({ refunded: false, amountCents: 0 });
      expect(billing.refund(undefined, 'nothing')).toEqual({ refunded: false, amountCents: 0 });
      expect(ledgerSum('u1')).toBe(1000);
    });

    test('a refund that overtakes its payment (the order was cancelled meanwhile) makes the late payment take nothing', () => {
      billing.openAccount(undefined, 'u1');
      billing.deposit(undefined, 'u1', 1000);
      expect(billing.refund(undefined, 'p3', { userId: 'u1', amountCents: 600 })).toEqual({ refunded: false, amountCents: 0 });
      expect(billing.pay(undefined, 'p3', 'u1', 600)).toMatchObject({ status: 'failed', reason: 'order cancelled' });
      expect(billing.account('u1').amountCents).toBe(1000);
      expect(ledgerSum('u1')).toBe(1000);
    });

    test('a billing database made before refunds existed gets them when it opens, its ledger kept', () => {
      const older = fresh();
      try {
        const oldSchema = billingSchema.replace(/CHECK \(kind IN \([^)]*\)\)/, "CHECK (kind IN ('deposit', 'withdrawal', 'payment'))").replace(/CREATE TABLE IF NOT EXISTS refunds \([^;]*\);/, '');
        const oldStore = new Store(openDatabase(older.place, 'billing', oldSchema));
        const before = new BillingService(oldStore);
        before.openAccount(undefined, 'u1');
        before.deposit(undefined, 'u1', 900);
        before.pay(undefined, 'p1', 'u1', 400);
        oldStore.close();
        const db = openDatabase(older.place, 'billing', billingSchema, { migrate: migrateBilling });
        const after = new BillingService(new Store(db));
        expect(after.refund(undefined, 'p1')).toEqual({ refunded: true, amountCents: 400 });
        expect(after.account('u1').amountCents).toBe(900);
        expect((db.prepare('SELECT kind FROM ledger ORDER BY seq').all() as { kind: string }[]).map((r) => r.kind)).toEqual(['deposit', 'payment', 'refund']);
        db.close();
      } finally {
        older.remove();
      }
    });

    test('processes racing on the same account never overdraw it and the ledger matches the balance', async () => {
      billing.openAccount(undefined, 'u1');
      billing.deposit(undefined, 'u1', 3_000);
      const racers = await Promise.all([1, 2, 3].map(() => worker('withdraw', at.place, 'u1', '1500', '1')));
      expect(racers.reduce((sum, taken) => sum + Number(taken), 0)).toBe(3_000);
      expect(billing.account('u1').amountCents).toBe(0);
      expect(ledgerSum('u1')).toBe(0);
    }, 120_000);

    test('replicas opening one fresh database in the same moment all succeed (schema and migrations are one transaction)', async () => {
      for (let round = 0; round < 3; round++) {
        const other = fresh();
        try {
          const start = Date.now() + 2_000;
          const opened = await Promise.allSettled([1, 2, 3, 4].map(() => worker('open', other.place, String(start))));
          const errors = opened.flatMap((o) => (o.status === 'rejected' ? [String(o.reason.stderr || o.reason.message).split('\n').filter((l) => /Error/.test(l)).join(' | ')] : []));
          expect(errors).toEqual([]);
          const db = openDatabase(other.place, 'billing', billingSchema, { releaseClaims: false });
          expect(db.prepare('SELECT kind, aggregate, claimed_until, attempts, next_attempt_at FROM outbox').all()).toEqual([]);
          db.close();
        } finally {
          other.remove();
        }
      }
    }, 120_000);

    test('processes claiming one outbox at once take every row exactly once', async () => {
      billingStore.attach({ wants: () => true, kick: () => {} });
      for (let n = 0; n < 200; n++) billingStore.write(undefined, () => billingStore.raise('Moved', { n }, { aggregate: `a${n}` }));
      const claimed = (await Promise.all(['r1', 'r2', 'r3'].map((owner) => worker('claim', at.place, owner)))).map((out) => JSON.parse(out) as number[]);
      const all = claimed.flat();
      expect(all).toHaveLength(200);
      expect(new Set(all).size).toBe(200);
      expect(billingStore.waiting()).toBe(0);
    }, 120_000);
  });

  describe(`the inbox and outbox on ${name}`, () => {
    let at: TestPlace;
    let store: Store;
    beforeEach(() => {
      at = fresh();
      store = new Store(openDatabase(at.place, 'unit', effectsSchema));
    });
    afterEach(() => {
      store.close();
      at.remove();
    });
    /** Handles one delivery of message `id`: `work` gets the delivery's trace for its writes, as a consumer gets it from the service bus. */
    const deliver = <T>(id: string, work: (trace: TraceContext) => T): T =>
      work({ service: 'unit', traceId: newTraceId(), spanId: newSpanId(), delivery: { consumer: 'unit.Test', messageId: id, recorded: false } });
    const effects = () => (store.db.prepare('SELECT COUNT(*) AS n FROM effects').get() as { n: number }).n;

    test('a delivery whose first write rolled back is still recorded by its next write, so its redelivery is a duplicate', () => {
      deliver('m-1', (trace) => {
        expect(() =>
          store.write(trace, () => {
            store.sql("INSERT INTO effects (note) VALUES ('undone')").run();
            throw new Error('refused');
          }),
        ).toThrow('refused');
        store.write(trace, () => store.sql("INSERT INTO effects (note) VALUES ('done')").run());
      });
      expect(effects()).toBe(1);
      // The broker delivers the same message again: the inbox must recognise it.
      expect(() => deliver('m-1', (trace) => store.write(trace, () => store.sql("INSERT INTO effects (note) VALUES ('again')").run()))).toThrow(AlreadyProcessed);
      expect(effects()).toBe(1);
    });

    test('a savepoint that throws undoes its own writes and keeps the rest of the write', () => {
      store.write(undefined, () => {
        store.sql("INSERT INTO effects (note) VALUES ('kept')").run();
        expect(() =>
          store.savepoint(() => {
            store.sql("INSERT INTO effects (note) VALUES ('undone')").run();
            throw new Error('refused');
          }),
        ).toThrow('refused');
      });
      expect(store.db.prepare('SELECT note FROM effects').all()).toEqual([{ note: 'kept' }]);
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
      for (let n = 0; n < 40; n++) store.write(undefined, () => store.raise('Moved', { aggregate: `a${n % 4}`, n }, { aggregate: `a${n % 4}` }));
      relays.forEach((r) => r.start());
      try {
        await eventually('every row sent', () => ({ waiting: store.waiting(), seen: seen.length }), (n) => n.waiting === 0 && n.seen >= 40);
      } finally {
        await Promise.all(relays.map((r) => r.stop()));
        await transport.close();
      }
      expect(new Set(seen.map((s) => s.id)).size).toBe(40);
      expect(seen).toHaveLength(40);
      expect(overlap).toBe(false);
      expect(inFlight).toBe(0);
      for (const a of ['a0', 'a1', 'a2', 'a3']) {
        const ns = seen.filter((s) => s.aggregate === a).map((s) => s.n);
        expect(ns).toEqual([...ns].sort((x, y) => x - y));
      }
    });

    /** What relays published (message id, aggregate, n, whether the broker took it), and the aggregates seen sent twice at once. */
    const record = () => ({ published: [] as { id: string; aggregate: string; n: number; ok: boolean }[], busy: new Set<string>(), overlaps: [] as string[] });
    /** A relay on `on` over a transport that records each publish into `seen` and refuses those `refuse` says; its sends take 2 ms. */
    const relayOn = (on: Store, pollMs: number, refuse: (data: { aggregate: string; n: number }) => boolean = () => false, seen = record()) => {
      const { published, busy, overlaps } = seen;
      const transport: Transport = {
        ...forwarding(new MemoryTransport()),
        publish: async (message) => {
          const data = message.data as { aggregate: string; n: number };
          if (busy.has(data.aggregate)) overlaps.push(data.aggregate);
          busy.add(data.aggregate);
          await sleep(2);
          busy.delete(data.aggregate);
          const ok = !refuse(data);
          published.push({ id: message.id, ...data, ok });
          if (!ok) throw new Error(`refused ${data.aggregate} ${data.n}`);
        },
      };
      const relay = new OutboxRelay(on, new ServiceBus('unit', transport, new Recorder()), pollMs);
      relay.route('Moved', (p) => ({ type: 'Moved', data: p }));
      return { relay, published, overlaps };
    };
    const raise = (on: Store, aggregate: string, n: number) => on.write(undefined, () => on.raise('Moved', { aggregate, n }, { aggregate }));
    const rows = (on: Store = store) =>
      on.db.prepare('SELECT message_id AS id, aggregate, claimed_by AS owner, attempts FROM outbox ORDER BY seq').all() as { id: string; aggregate: string; owner: string | null; attempts: number }[];
    const ns = (list: { aggregate: string; n: number; ok: boolean }[], aggregate: string) => list.filter((p) => p.aggregate === aggregate && p.ok).map((p) => p.n);

    test('sent rows stop counting as waiting at once and leave the table together, while the relay runs', async () => {
      const { relay, published } = relayOn(store, 3_600_000);
      relay.start();
      try {
        for (let n = 0; n < 12; n++) raise(store, `r${n % 4}`, n);
        await eventually('every row sent', () => ({ waiting: store.waiting(), sent: published.length }), (w) => w.waiting === 0 && w.sent === 12);
        await eventually('the sent rows removed without the relay stopping', () => rows().length, (n) => n === 0);
        expect(relay.removing).toBe(0);
      } finally {
        await relay.stop();
      }
    });

    test('rows a commit writes are claimed for the running relay in that transaction and sent from memory, in order per aggregate', async () => {
      // No pass after the first (the poll an hour away): what is sent was handed over by its commit.
      const { relay, published, overlaps } = relayOn(store, 3_600_000);
      relay.start();
      await sleep(50);
      try {
        for (let n = 0; n < 30; n++) {
          raise(store, `a${n % 3}`, n);
          if (n === 0) expect(rows()).toEqual([expect.objectContaining({ aggregate: 'a0', owner: relay.owner })]);
          if (n % 7 === 0) await sleep(1);
        }
        await eventually('every row sent and removed', () => ({ waiting: store.waiting(), sent: published.length }), (w) => w.waiting === 0 && w.sent === 30);
        await relay.deliverNow('a1');
      } finally {
        await relay.stop();
      }
      expect(new Set(published.map((p) => p.id)).size).toBe(30);
      expect(overlaps).toEqual([]);
      for (const a of ['a0', 'a1', 'a2']) expect(ns(published, a)).toEqual([...ns(published, a)].sort((x, y) => x - y));
    });

    test('a row handed over never overtakes an earlier unsent row of its aggregate; the pass sends them in order once it is due', async () => {
      const { relay, published } = relayOn(store, 20);
      // An earlier row of a1 waits for its retry (it failed before): unclaimed, not due for 300 ms.
      store.db.transaction(() => raise(store, 'a1', 0));
      store.db.prepare('UPDATE outbox SET attempts = 1, next_attempt_at = ?').run(Date.now() + 300);
      relay.start();
      try {
        raise(store, 'a1', 1);
        raise(store, 'a2', 2);
        // The new row of a1 is left unclaimed (its elder is nobody's); the row of a2 is the relay's.
        expect(rows().map((r) => [r.aggregate, r.owner])).toEqual([['a1', null], ['a1', null], ['a2', relay.owner]]);
        await eventually('a2 sent', () => ns(published, 'a2'), (n) => n.length === 1);
        expect(ns(published, 'a1')).toEqual([]);
        await eventually('everything sent and removed', () => store.waiting(), (n) => n === 0);
      } finally {
        await relay.stop();
      }
      expect(ns(published, 'a1')).toEqual([0, 1]);
    });

    test('a row handed over whose send failed is retried by the pass, and the rows after it in its aggregate wait for it', async () => {
      let refusals = 1;
      const { relay, published } = relayOn(store, 20, (d) => d.aggregate === 'a1' && d.n === 1 && refusals-- > 0);
      relay.start();
      try {
        store.write(undefined, () => {
          store.raise('Moved', { aggregate: 'a1', n: 1 }, { aggregate: 'a1' });
          store.raise('Moved', { aggregate: 'a1', n: 2 }, { aggregate: 'a1' });
          store.raise('Moved', { aggregate: 'a2', n: 3 }, { aggregate: 'a2' });
        });
        await expect(relay.deliverNow('a1')).rejects.toThrow('refused a1 1');
        await eventually('the failed row and the one after it sent again by the pass', () => store.waiting(), (n) => n === 0);
      } finally {
        await relay.stop();
      }
      expect(published.filter((p) => p.aggregate === 'a1').map((p) => [p.n, p.ok])).toEqual([[1, false], [1, true], [2, true]]);
      expect(ns(published, 'a2')).toEqual([3]);
    });

    test('removing sent rows in batches removes exactly the rows named, however many', () => {
      store.attach({ wants: () => true, kick: () => {} });
      for (let n = 0; n < 600; n++) raise(store, `a${n}`, n);
      const all = rows().map((r) => r.id);
      const sent = all.filter((_, i) => i % 3 !== 1);
      store.sent([...sent.slice(0, 5), 'not-a-row', ...sent.slice(5)]);
      expect(rows().map((r) => r.id)).toEqual(all.filter((_, i) => i % 3 === 1));
      store.sent(rows().slice(0, 3).map((r) => r.id));
      expect(store.waiting()).toBe(200 - 3);
    });

    test('two relays on one outbox, each taking what its own commits hand over, never send a row twice nor two rows of an aggregate at once', async () => {
      const second = new Store(openDatabase(at.place, 'unit', effectsSchema, { releaseClaims: false }));
      // Both relays publish into one record: a row sent by both would show twice, two rows of an aggregate at once as an overlap.
      const seen = record();
      const one = relayOn(store, 20, undefined, seen);
      const two = relayOn(second, 20, undefined, seen);
      const { published } = seen;
      one.relay.start();
      two.relay.start();
      try {
        for (let n = 0; n < 40; n++) {
          // Rows of one aggregate come from both stores in turn.
          raise(n % 2 === 0 ? store : second, `a${n % 3}`, n);
          if (n % 5 === 0) await sleep(3);
        }
        await eventually('every row sent and removed', () => ({ waiting: store.waiting(), sent: published.length }), (w) => w.waiting === 0 && w.sent >= 40);
      } finally {
        await Promise.all([one.relay.stop(), two.relay.stop()]);
        second.close();
      }
      expect(published).toHaveLength(40);
      expect(new Set(published.map((p) => p.id)).size).toBe(40);
      expect(seen.overlaps).toEqual([]);
      for (const a of ['a0', 'a1', 'a2']) expect(ns(published, a)).toEqual([...ns(published, a)].sort((x, y) => x - y));
    });

    test('inbox records older than the retention window are pruned, newer ones stay', () => {
      store.db.prepare("INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('c', 'old', '2000-01-01T00:00:00.000Z')").run();
      deliver('new', (trace) => store.write(trace, () => store.sql("INSERT INTO effects (note) VALUES ('new')").run()));
      expect(store.pruneInbox(7 * 24 * 3_600_000)).toBe(1);
      expect((store.db.prepare('SELECT message_id FROM inbox').all() as { message_id: string }[]).map((r) => r.message_id)).toEqual(['new']);
    });

    test('a long backlog of old inbox records is pruned in bounded batches, oldest first, the rest on the next pass', () => {
      const insert = store.db.prepare("INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('c', ?, ?)");
      for (let i = 0; i < 25; i++) insert.run(`old-${String(i).padStart(2, '0')}`, `2000-01-01T00:00:${String(i).padStart(2, '0')}.000Z`);
      const left = () => (store.db.prepare('SELECT message_id FROM inbox ORDER BY message_id').all() as { message_id: string }[]).map((r) => r.message_id);
      expect(store.pruneInbox(7 * 24 * 3_600_000, Date.now(), { batch: 10, batches: 2 })).toBe(20);
      expect(left()).toEqual(['old-20', 'old-21', 'old-22', 'old-23', 'old-24']);
      expect(store.pruneInbox(7 * 24 * 3_600_000, Date.now(), { batch: 10, batches: 2 })).toBe(5);
      expect(left()).toEqual([]);
    });
  });
}
