import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { newId } from '../core/ids.js';
import { join } from 'node:path';
import { makeFolders } from '../core/make-folders.js';
import { hashPassword } from '../services/identity/passwords.js';
import { MODULES } from '../services/modules.js';
import { openDatabase } from '../storage/database.js';

/** What to seed: `orders` orders of 1.00 by `users` customers, the last of them `endsAgoMs` before `now`. */
export interface SeedOptions {
  orders: number;
  /** Customers (default: one per five orders, 200,000 per million). */
  users?: number;
  /** Orders per second the data is spread at, as a run would have left it (default 200). */
  perSecond?: number;
  /** How long before now the last seeded order was made (default 10 minutes: past every grace period, within inbox retention). */
  endsAgoMs?: number;
  now?: number;
  /** Hears the rows written so far, now and then. */
  onProgress?: (ordersDone: number) => void;
}

/** What was seeded. */
export interface SeedResult {
  orders: number;
  users: number;
  /** Cents each customer deposited; what is left is deposit − 100 × their orders. */
  depositCents: number;
  seconds: number;
}

const ORDER_CENTS = 100;
const BATCH = 20_000;
const isoAt = (ms: number) => new Date(ms).toISOString();
/** Identity's creation time (`YYYY-MM-DD HH:MM:SS`). */
const sqlTime = (ms: number) => isoAt(ms).slice(0, 19).replace('T', ' ');

/** Opens a service's SQLite file with its own schema (and migrations) applied, then raw for bulk writes. */
function raw(dir: string, service: keyof typeof MODULES): Database.Database {
  const module = MODULES[service];
  openDatabase(dir, module.name, module.schema, { migrate: module.migrate }).close();
  const db = new Database(join(dir, `${module.name}.sqlite`));
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -131072');
  return db;
}

/** Runs `fn(from, to)` over [0, count) in transactions of BATCH. */
function batched(db: Database.Database, count: number, fn: (i: number) => void, progress?: (done: number) => void): void {
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) fn(i);
  });
  for (let from = 0; from < count; from += BATCH) {
    chunk(from, Math.min(count, from + BATCH));
    progress?.(Math.min(count, from + BATCH));
  }
}

/**
 * Fills `dir` (SQLite files, the services' own schemas) with what an http or hybrid run of `orders` orders
 * would have left: users with their accounts, deposits, profiles; each order paid (payment, ledger row),
 * settled and notified; the inbox rows of the messages each service consumed; identity's recovery mark
 * where its last pass left it. Direct inserts in large transactions: minutes for a million orders, not hours.
 */
export async function seedDataDir(dir: string, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const orders = options.orders;
  const users = Math.max(1, options.users ?? Math.ceil(orders / 5));
  const perSecond = options.perSecond ?? 200;
  const now = options.now ?? Date.now();
  const end = now - (options.endsAgoMs ?? 600_000);
  const spanMs = Math.ceil((orders / perSecond) * 1000);
  const begin = end - spanMs - 60_000;
  const ordersOf = (u: number) => Math.floor(orders / users) + (u < orders % users ? 1 : 0);
  const maxOrders = Math.ceil(orders / users);
  const depositCents = maxOrders * ORDER_CENTS * 10;
  await makeFolders(dir);
  const passwordHash = await hashPassword(randomUUID());
  // Users registered over the minute before the first order; their ids and the orders' carry those times, as a real run's would.
  const userAt = (u: number) => begin + Math.floor((u * 60_000) / users);
  const orderAt = (i: number) => end - spanMs + Math.floor((i * spanMs) / Math.max(1, orders));
  const userIds = Array.from({ length: users }, (_, u) => newId(userAt(u)));
  const orderIds = Array.from({ length: orders }, (_, i) => newId(orderAt(i)));

  const identity = raw(dir, 'identity');
  const user = identity.prepare('INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)');
  batched(identity, users, (u) => user.run(userIds[u], `seed-${u}@example.test`, passwordHash, sqlTime(userAt(u))));
  identity.prepare('INSERT OR REPLACE INTO recovery_marks (job, scanned_until) VALUES (?, ?)').run('open-missing-accounts', sqlTime(end));
  identity.close();

  const billing = raw(dir, 'billing');
  const account = billing.prepare('INSERT INTO accounts (user_id, amount_cents, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const ledger = billing.prepare('INSERT INTO ledger (user_id, kind, delta_cents, reference, created_at) VALUES (?, ?, ?, ?, ?)');
  const billingInbox = billing.prepare('INSERT INTO inbox (consumer, message_id, processed_at) VALUES (?, ?, ?)');
  const payment = billing.prepare(`INSERT INTO payments (id, user_id, amount_cents, status, created_at) VALUES (?, ?, ?, 'succeeded', ?)`);
  batched(billing, users, (u) => {
    const at = isoAt(userAt(u));
    account.run(userIds[u], depositCents - ordersOf(u) * ORDER_CENTS, at, isoAt(end));
    billingInbox.run('billing.UserCreated', newId(userAt(u)), at);
    ledger.run(userIds[u], 'deposit', depositCents, null, isoAt(userAt(u) + 1));
  });
  batched(
    billing,
    orders,
    (i) => {
      const at = isoAt(orderAt(i) + 5);
      payment.run(orderIds[i], userIds[i % users], ORDER_CENTS, at);
      ledger.run(userIds[i % users], 'payment', -ORDER_CENTS, orderIds[i], at);
      billingInbox.run('billing.CreatePayment', newId(orderAt(i) + 5), at);
    },
    (done) => options.onProgress?.(done / 3),
  );
  billing.close();

  const order = raw(dir, 'order');
  const orderRow = order.prepare(`INSERT INTO orders (id, user_id, price_cents, status, created_at, updated_at) VALUES (?, ?, ?, 'succeeded', ?, ?)`);
  const orderInbox = order.prepare('INSERT INTO inbox (consumer, message_id, processed_at) VALUES (?, ?, ?)');
  batched(
    order,
    orders,
    (i) => {
      orderRow.run(orderIds[i], userIds[i % users], ORDER_CENTS, isoAt(orderAt(i)), isoAt(orderAt(i) + 10));
      orderInbox.run('order.PaymentCreated.PaymentFailed', newId(orderAt(i) + 10), isoAt(orderAt(i) + 10));
    },
    (done) => options.onProgress?.(orders / 3 + done / 3),
  );
  order.close();

  const notification = raw(dir, 'notification');
  const profile = notification.prepare('INSERT INTO profiles (user_id, email) VALUES (?, ?)');
  const notificationInbox = notification.prepare('INSERT INTO inbox (consumer, message_id, processed_at) VALUES (?, ?, ?)');
  const note = notification.prepare('INSERT INTO notifications (id, user_id, order_id, email, message, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  batched(notification, users, (u) => {
    profile.run(userIds[u], `seed-${u}@example.test`);
    notificationInbox.run('notification.UserCreated', newId(userAt(u)), isoAt(userAt(u)));
  });
  batched(
    notification,
    orders,
    (i) => {
      const at = isoAt(orderAt(i) + 12);
      note.run(newId(orderAt(i)), userIds[i % users], orderIds[i], `seed-${i % users}@example.test`, 'Your order for 1.00$ has been successfully processed', at);
      notificationInbox.run('notification.OrderCreated.OrderFailed', newId(orderAt(i)), at);
    },
    (done) => options.onProgress?.((2 * orders) / 3 + done / 3),
  );
  notification.close();

  // The services that hold nothing per order get their files and schemas as a boot would make them.
  for (const service of ['stock', 'delivery', 'gateway'] as const) raw(dir, service).close();
  return { orders, users, depositCents, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
