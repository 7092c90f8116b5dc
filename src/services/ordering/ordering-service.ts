import { randomUUID } from 'node:crypto';
import { notFound } from '../../core/errors.js';
import type { Store } from '../../storage/store.js';
import { currentTrace } from '../../tracing/context.js';
import { keyReused } from '../idempotency.js';

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
CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, created_at);
CREATE INDEX IF NOT EXISTS orders_pending ON orders (status, created_at);
CREATE TABLE IF NOT EXISTS order_waiters (
  order_id TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  PRIMARY KEY (order_id, correlation_id)
);`;

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

const NOW = `now_utc()`;

/**
 * Orders and their one-way lifecycle: pending, then succeeded or failed, once. Raises OrderPlaced
 * and OrderSettled, and OrderAnswerDue (with the request's correlation id) for each request that
 * waits for an answer the OrderSettled event does not carry to it (a repeat with the same key).
 */
export class OrderingService {

  constructor(private readonly store: Store) {}

  /**
   * Creates a pending order; with an idempotency key already used by this user for the same price,
   * returns that order instead (another price is a 422). `replyTo` is the correlation id of a
   * request waiting for the outcome: kept with the order, or, for an order already settled,
   * answered at once (OrderAnswerDue) from what is stored.
   */
  create(userId: string, priceCents: number, idempotencyKey?: string, replyTo?: string): { order: Order; created: boolean } {
    return this.store.write(() => {
      if (idempotencyKey) {
        const existing = this.store.sql('SELECT * FROM orders WHERE user_id = ? AND idempotency_key = ?').get(userId, idempotencyKey) as OrderRow | undefined;
        if (existing && existing.price_cents !== priceCents) throw keyReused(idempotencyKey);
        if (existing) {
          const order = toOrder(existing);
          if (replyTo && order.status !== 'pending') this.store.raise('OrderAnswerDue', order, { correlationId: replyTo });
          else if (replyTo) this.wait(order.id, replyTo);
          return { order, created: false };
        }
      }
      const id = randomUUID();
      this.store
        .sql(`INSERT INTO orders (id, user_id, price_cents, status, idempotency_key, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ${NOW}, ${NOW})`)
        .run(id, userId, priceCents, idempotencyKey ?? null);
      const order = this.get(id);
      this.store.raise('OrderPlaced', order);
      if (replyTo) this.wait(id, replyTo);
      return { order, created: true };
    });
  }

  private wait(orderId: string, correlationId: string): void {
    this.store.sql('INSERT INTO order_waiters (order_id, correlation_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(orderId, correlationId);
  }

  /** Moves a pending order to its final status; a second outcome for the same order changes nothing. */
  settle(id: string, outcome: PaymentOutcome): { order: Order; changed: boolean } {
    return this.store.write(() => {
      const changed = this.store
        .sql(`UPDATE orders SET status = ?, reason = ?, updated_at = ${NOW} WHERE id = ? AND status = 'pending'`)
        .run(outcome.status, outcome.status === 'failed' ? (outcome.reason ?? 'payment failed') : null, id).changes;
      const order = this.get(id);
      if (changed === 1) {
        this.store.raise('OrderSettled', order);
        // OrderSettled carries the correlation id of the work that settled it; every other request waiting gets its own answer.
        const carried = currentTrace()?.correlationId;
        const waiters = this.store.sql('SELECT correlation_id FROM order_waiters WHERE order_id = ?').all(id) as { correlation_id: string }[];
        for (const { correlation_id } of waiters) if (correlation_id !== carried) this.store.raise('OrderAnswerDue', order, { correlationId: correlation_id });
        this.store.sql('DELETE FROM order_waiters WHERE order_id = ?').run(id);
      }
      return { order, changed: changed === 1 };
    });
  }

  get(id: string): Order {
    const row = this.store.sql('SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined;
    if (!row) throw notFound('order not found');
    return toOrder(row);
  }

  /** Orders still pending that were created before `before` (ISO time), oldest first: what the recovery pass looks at. */
  pendingSince(before: string, limit = 100): Order[] {
    return (this.store.sql(`SELECT * FROM orders WHERE status = 'pending' AND created_at < ? ORDER BY created_at LIMIT ?`).all(before, limit) as OrderRow[]).map(toOrder);
  }

  /** A user's orders, newest first. */
  list(userId: string): Order[] {
    return (this.store.sql('SELECT * FROM orders WHERE user_id = ? ORDER BY created_at DESC, rowid DESC').all(userId) as OrderRow[]).map(toOrder);
  }
}
