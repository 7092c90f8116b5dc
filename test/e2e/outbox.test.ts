import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { OutboxRelay } from '../../src/broker/outbox-relay.js';
import { ServiceBus } from '../../src/broker/service-bus.js';
import type { Delivery, Transport } from '../../src/broker/transport.js';
import { sleep } from '../../src/core/duration.js';
import { billingSchema, BillingService } from '../../src/services/billing/billing-service.js';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { Recorder } from '../../src/tracing/recorder.js';
import { eventually } from '../support/eventually.js';
import { transports } from '../support/transports.js';

describe.each(transports.map((t) => [t.name, t] as const))('outbox and idempotent consumers on the %s', (_name, { make }) => {
  let dir: string;
  let transport: Transport;
  const stores: Store[] = [];
  const open = (service: string) => {
    const store = new Store(openDatabase(dir, service, billingSchema));
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orderctl-outbox-'));
    transport = await make();
  });
  afterEach(async () => {
    await transport.close();
    for (const store of stores.splice(0)) store.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const relayFor = (store: Store) => {
    const relay = new OutboxRelay(store, new ServiceBus('billing', transport, new Recorder()), 50);
    relay.route('DepositMade', (d) => ({ type: 'DepositSucceeded', data: d }));
    return relay;
  };

  const listen = async () => {
    const seen: Delivery[] = [];
    await transport.subscribe('listener', ['DepositSucceeded'], async (d) => void seen.push(d));
    return seen;
  };

  test('a bus held while its service is wired handles nothing until it starts, then what waited in its queue', async () => {
    const bus = new ServiceBus('billing', transport, new Recorder());
    const heard: string[] = [];
    await bus.subscribe(['Ping'], async (d: { n: number }) => void heard.push(`first ${d.n}`));
    await bus.close();
    await bus.publish(undefined, 'Ping', { n: 1 });
    const wired = new ServiceBus('billing', transport, new Recorder());
    wired.hold();
    await wired.subscribe(['Ping'], async (d: { n: number }) => void heard.push(`wired ${d.n}`));
    await sleep(300);
    expect(heard).toEqual([]);
    expect(wired.consumed()).toEqual(['Ping']);
    await wired.start();
    await eventually('the waiting message handled once started', () => heard, (h) => h.length === 1);
    expect(heard).toEqual(['wired 1']);
    await wired.close();
  });

  test('an event raised that no route carries is counted by name and dropped, unless the plan absorbs it', async () => {
    const store = open('billing');
    const billing = new BillingService(store);
    const relay = relayFor(store);
    relay.absorbed.add('PaymentSettled');
    billing.openAccount(undefined, 'u1');
    billing.deposit(undefined, 'u1', 500);
    billing.withdraw(undefined, 'u1', 100);
    billing.withdraw(undefined, 'u1', 100);
    billing.pay(undefined, 'p1', 'u1', 100);
    expect(Object.fromEntries(relay.unroutedCounts)).toEqual({ WithdrawalMade: 2 });
    expect(store.waiting()).toBe(1);
  });

  test('an event committed while the relay was down is published exactly once after the restart', async () => {
    const seen = await listen();
    const store = open('billing');
    const billing = new BillingService(store);
    relayFor(store); // never started: it died between the commit and the publish
    billing.openAccount(undefined, 'u1');
    billing.deposit(undefined, 'u1', 500);
    expect(store.waiting()).toBe(1);
    await sleep(100);
    expect(seen).toHaveLength(0);

    store.db.close();
    const reopened = open('billing');
    const restarted = relayFor(reopened);
    restarted.start();
    await eventually('the event published and its row gone', () => ({ seen: seen.length, waiting: reopened.waiting() }), (n) => n.seen === 1 && n.waiting === 0);
    await sleep(100);
    await restarted.stop();
    expect(seen).toHaveLength(1);
    expect(seen[0].data).toEqual({ userId: 'u1', amountCents: 500 });
  });

  test('an event published again after a crash keeps its id, and the consumer applies it once', async () => {
    const source = open('billing');
    const relay = relayFor(source);
    relay.start();
    const target = new BillingService(open('mirror'));
    target.openAccount(undefined, 'u1');
    const applied: string[] = [];
    const mirror = new ServiceBus('mirror', transport, new Recorder());
    await mirror.subscribe(['DepositSucceeded'], (d: { userId: string; amountCents: number }, delivery, trace) => {
      target.deposit(trace, d.userId, d.amountCents);
      applied.push(delivery.id);
    });

    new BillingService(source).openAccount(undefined, 'u1');
    const row = source.db.transaction(() => {
      new BillingService(source).deposit(undefined, 'u1', 700);
      return source.outbox(1)[0];
    });
    await eventually('the deposit applied and its row gone', () => ({ applied: applied.length, waiting: source.waiting() }), (n) => n.applied === 1 && n.waiting === 0);
    // The relay died after the broker confirmed but before it removed the row: the row is back.
    source.db
      .prepare(`INSERT INTO outbox (message_id, event, payload, headers, created_at) VALUES (?, ?, ?, ?, 'now')`)
      .run(row.messageId, row.event, JSON.stringify(row.payload), JSON.stringify(row.headers));
    relay.kick();
    await eventually('the row sent again', () => source.waiting(), (n) => n === 0);
    await sleep(200);
    await relay.stop();
    await mirror.close();

    expect(applied).toEqual([row.messageId]);
    expect(target.account('u1').amountCents).toBe(700);
  });
});
