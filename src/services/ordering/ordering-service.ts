import { planted } from '../../core/planted.js';
import { newId } from '../../core/ids.js';
import { notFound } from '../../core/errors.js';
import type { Db } from '../../storage/database.js';
import { addMissingColumns } from '../../storage/sql-db.js';
import type { Store } from '../../storage/store.js';
import type { TraceContext } from '../../tracing/context.js';
import type { Address } from '../delivery/delivery-service.js';
import { keyReused } from '../idempotency.js';
import type { OrderLine } from '../stock/stock-service.js';
import { FINAL_STATES, sagaStep, type Compensation, type SagaEvent, type SagaState } from './order-saga.js';

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
  items TEXT,
  address TEXT,
  saga TEXT,
  UNIQUE (user_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, created_at);
CREATE INDEX IF NOT EXISTS orders_pending ON orders (status, created_at);
CREATE TABLE IF NOT EXISTS order_waiters (
  order_id TEXT NOT NULL,
  correlation_id TEXT NOT NULL,
  PRIMARY KEY (order_id, correlation_id)
);
CREATE TABLE IF NOT EXISTS order_history (
  order_id TEXT NOT NULL,
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (order_id, status)
);`;

/** The saga's columns, added to an orders table made before the saga existed. */
const SAGA_COLUMNS = { items: 'TEXT', address: 'TEXT', saga: 'TEXT' };

/** Brings an orders table made before the saga up to the schema (new columns, their index). */
export function migrateOrdering(db: Db): void {
  addMissingColumns(db, 'orders', SAGA_COLUMNS);
  db.exec('CREATE INDEX IF NOT EXISTS orders_saga ON orders (saga, updated_at)');
}

export type OrderStatus = 'pending' | 'succeeded' | 'failed';

/** What an order of the saga asks for: items and where they go. */
export interface SagaRequest {
  items: OrderLine[];
  address: Address;
}

/** Where an order's saga stands, with every state it went through. */
export interface SagaView extends SagaRequest {
  state: SagaState;
  history: { status: SagaState; at: string }[];
}

/** An order as ordering's internal API shows it; `status` is its payment's, `saga` is there for an order with items. */
export interface Order {
  id: string;
  userId: string;
  priceCents: number;
  status: OrderStatus;
  reason?: string;
  createdAt: string;
  updatedAt: string;
  saga?: SagaView;
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
  items: string | null;
  address: string | null;
  saga: SagaState | null;
}

const NOW = `now_utc()`;

/** The status a client is answered with: 201 once settled (a saga: handed to delivery), 422 when declined or cancelled, else 202. */
export function answerStatus(order: Pick<Order, 'status' | 'saga'>): 201 | 202 | 422 {
  const state = order.saga?.state ?? order.status;
  if (state === 'succeeded' || state === 'delivering' || state === 'done') return 201;
  return state === 'failed' || state === 'cancelled' ? 422 : 202;
}

/** How an order ended, as notification and the outcome events tell it: a saga done succeeded, a saga cancelled failed. */
export const settledStatus = (order: Pick<Order, 'status' | 'saga'>): OrderStatus =>
  order.saga ? (order.saga.state === 'done' ? 'succeeded' : order.saga.state === 'cancelled' ? 'failed' : 'pending') : order.status;

/** Is the order at the end of its life (a plain order settled, a saga done or cancelled)? */
export const isFinal = (order: Order) => (order.saga ? FINAL_STATES.includes(order.saga.state) : order.status !== 'pending');

/** The domain event each compensation raises (its link routes it to a REST call or a message). */
export const COMPENSATION_EVENTS: Record<Compensation, string> = { refund: 'RefundDue', release: 'ReleaseDue', return: 'ReturnDue' };

/** The domain event raised on entering a state: the next step to ask for, or what follows it. */
const ENTERED: Partial<Record<SagaState, string>> = { paid: 'StockWanted', reserved: 'DeliveryWanted', delivering: 'ShipDue', done: 'ReceiptConfirmed' };

/**
 * Orders and their lifecycles. A plain order is pending, then succeeded or failed, once. An order with
 * items runs the saga (created, paid, reserved, delivering, done, or cancelled with its compensations):
 * each move is one conditional write that records the state, its history and what the move sends next
 * (raised into the outbox with it), so a crash between two steps resumes where it stopped. Raises
 * OrderPlaced (SagaCreated for a saga), OrderSettled (a plain order settled, a saga final), StockWanted, DeliveryWanted, ShipDue, ReceiptConfirmed,
 * RefundDue, ReleaseDue, ReturnDue, CustomerCancelled, and OrderAnswerDue (with a correlation id) for
 * each request that waits for an answer.
 */
export class OrderingService {
  constructor(private readonly store: Store) {}

  /**
   * Creates an order (with `saga`, one that runs the saga); with an idempotency key already used by
   * this user for the same request, returns that order instead (another request is a 422). `replyTo`
   * is the correlation id of a request waiting for the answer: kept with the order, or, for an order
   * already answerable, answered at once (OrderAnswerDue) from what is stored.
   */
  create(trace: TraceContext | undefined, userId: string, priceCents: number, key?: string, replyTo?: string, saga?: SagaRequest): { order: Order; created: boolean } {
    const idempotencyKey = planted('fresh-answer-for-repeated-key') ? undefined : key;
    return this.store.write(trace, () => {
      if (idempotencyKey) {
        const existing = this.store.sql('SELECT * FROM orders WHERE user_id = ? AND idempotency_key = ?').get(userId, idempotencyKey) as OrderRow | undefined;
        if (existing && (existing.price_cents !== priceCents || existing.items !== json(saga?.items) || existing.address !== json(saga?.address))) throw keyReused(idempotencyKey);
        if (existing) {
          const order = this.toOrder(existing);
          if (replyTo && answerStatus(order) !== 202) this.store.raise('OrderAnswerDue', order, { correlationId: replyTo });
          else if (replyTo) this.wait(order.id, replyTo);
          return { order, created: false };
        }
      }
      // The row as written, made here (times from this clock, as the recovery pass's cut-offs are): nothing to read back.
      const now = new Date().toISOString();
      const row: OrderRow = { id: newId(), user_id: userId, price_cents: priceCents, status: 'pending', reason: null, created_at: now, updated_at: now, items: json(saga?.items), address: json(saga?.address), saga: saga ? 'created' : null };
      this.store
        .sql(`INSERT INTO orders (id, user_id, price_cents, status, idempotency_key, created_at, updated_at, items, address, saga) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)`)
        .run(row.id, userId, priceCents, idempotencyKey ?? null, now, now, row.items, row.address, row.saga);
      const id = row.id;
      if (saga) this.remember(id, 'created');
      // A saga's history is read back: its times are the database's, as every later move's.
      const order = this.toOrder(row);
      this.store.raise(saga ? 'SagaCreated' : 'OrderPlaced', order);
      if (replyTo) this.wait(id, replyTo);
      return { order, created: true };
    });
  }

  private wait(orderId: string, correlationId: string): void {
    this.store.sql('INSERT INTO order_waiters (order_id, correlation_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(orderId, correlationId);
  }

  /** Answers every request waiting for the order, but the one whose work carries `except` (it is answered by the event it raises). */
  private answerWaiters(order: Order, except?: string): void {
    for (const waiter of this.takeWaiters(order.id)) if (waiter !== except) this.store.raise('OrderAnswerDue', order, { correlationId: waiter });
  }

  /** The correlation ids of the requests waiting for the order, no longer kept. */
  private takeWaiters(orderId: string): string[] {
    return (this.store.sql('DELETE FROM order_waiters WHERE order_id = ? RETURNING correlation_id').all(orderId) as { correlation_id: string }[]).map((w) => w.correlation_id);
  }

  private remember(orderId: string, status: SagaState): void {
    this.store.sql(`INSERT INTO order_history (order_id, status, at) VALUES (?, ?, ${NOW}) ON CONFLICT DO NOTHING`).run(orderId, status);
  }

  /**
   * Records how the order's payment ended, once (a second outcome changes nothing). A plain order
   * settles with it; a saga moves on (payment taken) or is cancelled (payment failed).
   */
  settle(trace: TraceContext | undefined, id: string, outcome: PaymentOutcome): { order: Order; changed: boolean } {
    return this.store.write(trace, () => {
      const settled = this.settleRow(id, outcome);
      if (!settled) return { order: this.get(id), changed: false };
      if (settled.row.saga) return this.move(trace, id, outcome.status === 'succeeded' ? 'payment taken' : 'payment failed', settled.row.reason ?? undefined);
      const order = this.toOrder(settled.row);
      this.store.raise('OrderSettled', order);
      // OrderSettled carries the correlation id of the work that settled it; every other request waiting gets its own answer.
      const except = trace?.correlationId;
      for (const waiter of settled.waiters) if (waiter !== except) this.store.raise('OrderAnswerDue', order, { correlationId: waiter });
      return { order, changed: true };
    });
  }

  /**
   * Records a payment's outcome on a pending order, inside a write: the order as it is now, and, for a plain order (which
   * settling ends), the requests that waited for it, no longer kept. Undefined when the order was not pending. PostgreSQL:
   * one statement.
   */
  private settleRow(id: string, outcome: PaymentOutcome): { row: OrderRow; waiters: string[] } | undefined {
    const reason = outcome.status === 'failed' ? (outcome.reason ?? 'payment failed') : null;
    // A saga's reason is the saga's (a payment that arrives after a cancel leaves the cancel's reason as it is).
    const update = `UPDATE orders SET status = ?, reason = CASE WHEN saga IS NULL OR saga NOT IN ('cancelled', 'done') THEN CAST(? AS TEXT) ELSE reason END, updated_at = ${NOW} WHERE id = ? AND status = 'pending' RETURNING *`;
    if (this.store.db.dialect === 'postgres') {
      const row = this.store
        .sql(`WITH settled AS (${update}),
                   answered AS (DELETE FROM order_waiters WHERE order_id IN (SELECT id FROM settled WHERE saga IS NULL) RETURNING correlation_id)
              SELECT settled.*, (SELECT json_agg(correlation_id) FROM answered) AS waiters FROM settled`)
        .get(outcome.status, reason, id) as (OrderRow & { waiters: string | null }) | undefined;
      if (!row) return undefined;
      const { waiters, ...settled } = row;
      return { row: settled, waiters: waiters ? (JSON.parse(waiters) as string[]) : [] };
    }
    const row = this.store.sql(update).get(outcome.status, reason, id) as OrderRow | undefined;
    if (!row) return undefined;
    return { row, waiters: row.saga ? [] : this.takeWaiters(id) };
  }

  /**
   * Moves the order's saga on `on`, when the saga moves that way from where it stands (a late or
   * repeated event changes nothing), and raises what the new state sends: the next step, the
   * compensations, the outcome for notification, the answers to waiting requests.
   */
  move(trace: TraceContext | undefined, id: string, on: SagaEvent, reason?: string): { order: Order; changed: boolean } {
    return this.store.write(trace, () => {
      const before = this.get(id);
      const step = before.saga && sagaStep(before.saga.state, on);
      if (!step) return { order: before, changed: false };
      const failed = step.to === 'cancelled';
      this.store
        .sql(`UPDATE orders SET saga = ?, reason = COALESCE(?, reason), updated_at = ${NOW} WHERE id = ? AND saga = ?`)
        .run(step.to, failed ? (reason ?? (on === 'customer cancels' ? 'cancelled by the customer' : on)) : null, id, step.from);
      this.remember(id, step.to);
      const order = this.get(id);
      const entered = ENTERED[step.to];
      if (entered) this.store.raise(entered, order);
      if (on === 'customer cancels') this.store.raise('CustomerCancelled', order);
      for (const compensation of step.compensate ?? []) this.store.raise(COMPENSATION_EVENTS[compensation], order);
      if (FINAL_STATES.includes(step.to)) this.store.raise('OrderSettled', order);
      if (answerStatus(order) !== 202) this.answerWaiters(order);
      return { order, changed: true };
    });
  }

  /** Raises again what the saga's current state asks for (the recovery pass, for a saga whose next step went missing). */
  askAgain(trace: TraceContext | undefined, id: string): Order {
    return this.store.write(trace, () => {
      const order = this.get(id);
      const state = order.saga?.state;
      if (state === 'created') this.store.raise('SagaCreated', order);
      else if (state === 'paid' || state === 'reserved') this.store.raise(ENTERED[state]!, order);
      return order;
    });
  }

  get(id: string): Order {
    const row = this.store.sql('SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined;
    if (!row) throw notFound('order not found');
    return this.toOrder(row);
  }

  /** Orders still pending that were created before `before` (ISO time), oldest first: what the recovery pass looks at. */
  pendingSince(before: string, limit = 100): Order[] {
    return this.rows(`SELECT * FROM orders WHERE status = 'pending' AND saga IS NULL AND created_at < ? ORDER BY created_at LIMIT ?`, before, limit);
  }

  /** Sagas waiting for a step (created, paid, reserved) whose last move was before `before`: stalled between two steps, for the recovery pass. */
  stalledSince(before: string, limit = 100): Order[] {
    return this.rows(`SELECT * FROM orders WHERE saga IN ('created', 'paid', 'reserved') AND updated_at < ? ORDER BY updated_at LIMIT ?`, before, limit);
  }

  /** A user's orders, newest first. */
  list(userId: string): Order[] {
    return this.rows('SELECT * FROM orders WHERE user_id = ? ORDER BY created_at DESC, rowid DESC', userId);
  }

  private rows(sql: string, ...params: unknown[]): Order[] {
    return (this.store.sql(sql).all(...params) as OrderRow[]).map((row) => this.toOrder(row));
  }

  private toOrder(row: OrderRow): Order {
    const order: Order = {
      id: row.id,
      userId: row.user_id,
      priceCents: row.price_cents,
      status: row.status,
      ...(row.reason ? { reason: row.reason } : {}),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
    if (row.saga) {
      const history = this.store.sql('SELECT status, at FROM order_history WHERE order_id = ? ORDER BY at, rowid').all(row.id) as SagaView['history'];
      order.saga = { state: row.saga, items: JSON.parse(row.items!), address: JSON.parse(row.address!), history };
    }
    return order;
  }
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
