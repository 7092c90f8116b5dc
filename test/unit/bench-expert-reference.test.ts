import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { startExpertReference } from '../../src/bench/expert/expert-reference.js';

const count = (db: Database.Database, sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;

test('the expert reference makes the durable writes the http style makes: per order one order, one payment, a ledger row when paid, one notification; the outbox ends empty and the data dir is deleted at close', async () => {
  // 50.00 each: a load of 1.00 orders is paid; a 60.00 order is declined (422), its payment recorded as failed, with no ledger row.
  const reference = await startExpertReference(4, 5_000);
  const since = Date.now();
  let closed = false;
  try {
    // A load of 40 orders, 8 at a time, as the bench's load generator sends them (every answer counted, none cut off).
    const order = (token: string, price: number) => fetch(`${reference.url}${reference.path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ price }) });
    const statuses: number[] = [];
    for (let wave = 0; wave < 5; wave++) statuses.push(...(await Promise.all(reference.users.flatMap((u) => [order(u.token, 1), order(u.token, 1)]))).map((r) => r.status));
    expect(statuses).toEqual(Array(40).fill(201));
    const accepted = 40;
    const declined = await order(reference.users[3].token, 60);
    expect(declined.status).toBe(422);
    expect(await declined.json()).toMatchObject({ status: 'failed', reason: 'not enough money' });
    expect((await order('x.y.z', 1)).status).toBe(401);
    expect((await order(reference.users[0].token, 1.001)).status).toBe(400);
    reference.settle();
    const orders = accepted + 1;
    expect(reference.completedSince(since)).toBe(orders);

    const open = (service: string) => new Database(join(reference.dir, `${service}.sqlite`), { readonly: true });
    const [ordering, billing, notification] = [open('order'), open('billing'), open('notification')];
    try {
      expect(count(ordering, 'SELECT COUNT(*) AS n FROM orders')).toBe(orders);
      expect(count(ordering, `SELECT COUNT(*) AS n FROM orders WHERE status = 'succeeded'`)).toBe(accepted);
      expect(count(ordering, `SELECT COUNT(*) AS n FROM orders WHERE status = 'failed' AND reason = 'not enough money'`)).toBe(1);
      expect(count(ordering, 'SELECT COUNT(*) AS n FROM outbox')).toBe(0);
      expect(count(billing, 'SELECT COUNT(*) AS n FROM payments')).toBe(orders);
      expect(count(billing, `SELECT COUNT(*) AS n FROM payments WHERE status = 'succeeded' AND amount_cents = 100`)).toBe(accepted);
      expect(count(billing, `SELECT COUNT(*) AS n FROM ledger WHERE kind = 'payment' AND delta_cents = -100`)).toBe(accepted);
      expect(count(billing, `SELECT COUNT(*) AS n FROM ledger WHERE kind = 'payment'`)).toBe(accepted);
      // Money is conserved: every account holds its deposit less its ledger's payments.
      expect(count(billing, 'SELECT SUM(amount_cents) AS n FROM accounts')).toBe(4 * 5_000 - accepted * 100);
      expect(count(billing, 'SELECT SUM(delta_cents) AS n FROM ledger')).toBe(4 * 5_000 - accepted * 100);
      expect(count(notification, 'SELECT COUNT(DISTINCT order_id) AS n FROM notifications')).toBe(orders);
      expect(count(notification, `SELECT COUNT(*) AS n FROM notifications WHERE message LIKE '%not fulfilled due to: not enough money'`)).toBe(1);
      // Every order has its payment (the payment id is the order id) and its notification.
      const ids = (db: Database.Database, sql: string) => (db.prepare(sql).all() as { id: string }[]).map((r) => r.id).sort();
      const orderIds = ids(ordering, 'SELECT id FROM orders');
      expect(ids(billing, 'SELECT id FROM payments')).toEqual(orderIds);
      expect(ids(notification, 'SELECT order_id AS id FROM notifications')).toEqual(orderIds);
    } finally {
      for (const db of [ordering, billing, notification]) db.close();
    }
    await reference.close();
    closed = true;
    expect(existsSync(reference.dir)).toBe(false);
  } finally {
    if (!closed) await reference.close();
  }
});
