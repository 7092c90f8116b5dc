import { randomUUID } from 'node:crypto';
import { notFound } from '../../core/errors.js';
import type { Store } from '../../storage/store.js';

export const orderingSchema = `
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  price_cents INTEGER NOT NULL CHECK (price_cents > 0),
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  reason TEXT,
  idempotency_key TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, created_at);`;

export type OrderStatus = 'pending' | 'succeeded' | 'failed';

/** An order as ordering's internal API shows it. */
export interface Order {
  id: string;
  userId: string;
  priceCents: number;
  status: OrderStatus;
  reason?: string;
  createdAt: string;
  updatedAt: string;
}

/** How a payment ended, as far as an order cares. */
export interface PaymentOutcome {
  status: 'succeeded' | 'failed';
  reason?: string;
}

interface OrderRow {
  id: string;
  user_id: string;
  price_cents: number;
  status: OrderStatus;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

const toOrder = (row: OrderRow): Order => ({
  id: row.id,
  userId: row.user_id,
  priceCents: row.price_cents,
  status: row.status,
  ...(row.reason ? { reason: row.reason } : {}),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ')`;

/** Orders and their one-way lifecycle: pending, then succeeded or failed, once. Raises OrderPlaced and OrderSettled. */
export class OrderingService {

  constructor(private readonly store: Store) {}

  /** Creates a pending order; with an idempotency key already used by this user, returns that order instead. */
  create(userId: string, priceCents: number, idempotencyKey?: string): { order: Order; created: boolean } {
    return this.store.write(() => {
      if (idempotencyKey) {
        const existing = this.store.sql('SELECT * FROM orders WHERE user_id = ? AND idempotency_key = ?').get(userId, idempotencyKey) as OrderRow | undefined;
        if (existing) return { order: toOrder(existing), created: false };
      }
      const id = randomUUID();
      this.store
        .sql(`INSERT INTO orders (id, user_id, price_cents, status, idempotency_key, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ${NOW}, ${NOW})`)
        .run(id, userId, priceCents, idempotencyKey ?? null);
      const order = this.get(id);
      this.store.raise('OrderPlaced', order);
      return { order, created: true };
    });
  }

  /** Moves a pending order to its final status; a second outcome for the same order changes nothing. */
  settle(id: string, outcome: PaymentOutcome): { order: Order; changed: boolean } {
    return this.store.write(() => {
      const changed = this.store
        .sql(`UPDATE orders SET status = ?, reason = ?, updated_at = ${NOW} WHERE id = ? AND status = 'pending'`)
        .run(outcome.status, outcome.status === 'failed' ? (outcome.reason ?? 'payment failed') : null, id).changes;
      const order = this.get(id);
      if (changed === 1) this.store.raise('OrderSettled', order);
      return { order, changed: changed === 1 };
    });
  }

  get(id: string): Order {
    const row = this.store.sql('SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined;
    if (!row) throw notFound('order not found');
    return toOrder(row);
  }

  /** A user's orders, newest first. */
  list(userId: string): Order[] {
    return (this.store.sql('SELECT * FROM orders WHERE user_id = ? ORDER BY created_at DESC, rowid DESC').all(userId) as OrderRow[]).map(toOrder);
  }
}
