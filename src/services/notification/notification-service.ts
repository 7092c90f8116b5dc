import { newId } from '../../core/ids.js';
import { formatCents } from '../../core/money.js';
import { getLast } from '../../storage/sql-db.js';
import type { Store } from '../../storage/store.js';
import type { TraceContext } from '../../tracing/context.js';
import { noNotes, type Note } from '../note.js';

export const notificationSchema = `
CREATE TABLE IF NOT EXISTS profiles (
  user_id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS notifications (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  order_id TEXT UNIQUE,
  email TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_by_user ON notifications (user_id, created_at);
CREATE TABLE IF NOT EXISTS waiting_notifications (
  order_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  facts TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS waiting_by_user ON waiting_notifications (user_id);
CREATE TABLE IF NOT EXISTS waiting_details (
  order_id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);`;

/** What notification needs to know about a settled order. */
export interface OrderFacts {
  orderId: string;
  userId: string;
  priceCents: number;
  status: 'succeeded' | 'failed';
  reason?: string;
}

/** Who a message goes to. */
export interface Recipient {
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
}

/** A stored notification, i.e. the e-mail that would have been sent. */
export interface StoredNotification {
  id: string;
  userId: string;
  orderId?: string;
  email: string;
  message: string;
  createdAt: string;
}

export function orderMessage(facts: Pick<OrderFacts, 'priceCents' | 'status' | 'reason'>): string {
  const amount = `${formatCents(facts.priceCents)}$`;
  return facts.status === 'succeeded'
    ? `Your order for ${amount} has been successfully processed`
    : `Your order for ${amount} was not fulfilled due to: ${facts.reason ?? 'unknown reason'}`;
}

interface Row {
  id: string;
  user_id: string;
  order_id: string | null;
  email: string;
  message: string;
  created_at: string;
}

/** Messages to users (one per order, however often asked), the profiles it keeps a copy of, and the outcomes waiting for their recipient. */
export class NotificationService {

  constructor(
    private readonly store: Store,
    private readonly note: Note = noNotes,
  ) {}

  /** Keeps (or refreshes) the copy of a user and, in the same write, sends what waited for it; returns how many were sent. */
  keepProfile(trace: TraceContext | undefined, user: Recipient): number {
    const sent = this.store.write(trace, () => {
      this.store
        .sql(`INSERT INTO profiles (user_id, email, first_name, last_name) VALUES (?, ?, ?, ?)
                  ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name`)
        .run(user.id, user.email, user.firstName ?? '', user.lastName ?? '');
      const waiting = this.waitingFor(user.id);
      for (const facts of waiting) this.notifyOrder(trace, facts, user);
      return waiting.length;
    });
    this.note(trace, 'profile copied');
    if (sent) this.note(trace, `${sent} waiting notification${sent === 1 ? '' : 's'} stored and sent`);
    return sent;
  }

  /**
   * Keeps the outcome of an order whose recipient is not known yet, to be sent when it is (the copy
   * arrives, or the recovery pass finds the user). A copy already there is used at once.
   */
  awaitRecipient(trace: TraceContext | undefined, facts: OrderFacts): { notification?: StoredNotification } {
    return this.store.write(trace, () => {
      const recipient = this.profile(facts.userId);
      if (recipient) return { notification: this.notifyOrder(trace, facts, recipient).notification };
      const sent = this.store.sql('SELECT * FROM notifications WHERE order_id = ?').get(facts.orderId) as Row | undefined;
      if (sent) return { notification: toNotification(sent) };
      this.store
        .sql(`INSERT INTO waiting_notifications (order_id, user_id, facts, created_at) VALUES (?, ?, ?, now_utc()) ON CONFLICT DO NOTHING`)
        .run(facts.orderId, facts.userId, JSON.stringify(facts));
      return {};
    });
  }

  /**
   * Keeps the id of a settled order whose details could not be read from its owner (thin events: the
   * order service did not answer), in the write that records the delivery, so the outcome is not lost:
   * it is read again and sent later. Nothing is kept for an order already notified.
   */
  awaitDetails(trace: TraceContext | undefined, orderId: string): void {
    this.store.write(trace, () => {
      if (this.store.sql('SELECT 1 FROM notifications WHERE order_id = ?').get(orderId)) return;
      this.store.sql(`INSERT INTO waiting_details (order_id, created_at) VALUES (?, now_utc()) ON CONFLICT DO NOTHING`).run(orderId);
    });
  }

  /** Orders whose details are still to be read, oldest first. */
  waitingForDetails(limit = 100): string[] {
    return (this.store.sql('SELECT order_id FROM waiting_details ORDER BY created_at LIMIT ?').all(limit) as { order_id: string }[]).map((r) => r.order_id);
  }

  /** The details of a waiting order were read and its outcome handled. */
  detailsRead(trace: TraceContext | undefined, orderId: string): void {
    this.store.write(trace, () => this.store.sql('DELETE FROM waiting_details WHERE order_id = ?').run(orderId));
  }

  /** Outcomes waiting for their recipient, oldest first (of one user, or all). */
  waitingFor(userId?: string, limit = 100): OrderFacts[] {
    const rows = (
      userId
        ? this.store.sql('SELECT facts FROM waiting_notifications WHERE user_id = ? ORDER BY created_at').all(userId)
        : this.store.sql('SELECT facts FROM waiting_notifications ORDER BY created_at LIMIT ?').all(limit)
    ) as { facts: string }[];
    return rows.map((r) => JSON.parse(r.facts) as OrderFacts);
  }

  profile(userId: string): Recipient | undefined {
    const row = this.store.sql('SELECT * FROM profiles WHERE user_id = ?').get(userId) as
      | { user_id: string; email: string; first_name: string; last_name: string }
      | undefined;
    return row && { id: row.user_id, email: row.email, firstName: row.first_name, lastName: row.last_name };
  }

  /** Stores ("sends") the message about an order once; a repeat returns the first one. */
  notifyOrder(trace: TraceContext | undefined, facts: OrderFacts, recipient: Recipient): { notification: StoredNotification; created: boolean } {
    // A write of its own (not part of another one): its last statement ends it (PostgreSQL sends the COMMIT with it).
    const own = !this.store.db.inTransaction;
    return this.store.write(trace, () => {
      this.store.sql('DELETE FROM waiting_notifications WHERE order_id = ?').run(facts.orderId);
      const values = [newId(), facts.userId, facts.orderId, recipient.email, orderMessage(facts)];
      if (this.store.db.dialect === 'postgres') {
        // The message stored now, or the one stored first: one statement.
        const statement = this.store.sql(`WITH added AS (INSERT INTO notifications (id, user_id, order_id, email, message, created_at) VALUES ($1, $2, $3, $4, $5, now_utc())
                                            ON CONFLICT DO NOTHING RETURNING id, user_id, order_id, email, message, created_at)
                                          SELECT *, true AS created FROM added
                                          UNION ALL SELECT id, user_id, order_id, email, message, created_at, false FROM notifications WHERE order_id = $3 AND NOT EXISTS (SELECT 1 FROM added)`);
        const row = (own ? getLast(statement, ...values) : statement.get(...values)) as Row & { created: boolean };
        return { notification: toNotification(row), created: row.created };
      }
      const added = this.store
        .sql(`INSERT INTO notifications (id, user_id, order_id, email, message, created_at) VALUES (?, ?, ?, ?, ?, now_utc()) ON CONFLICT DO NOTHING RETURNING *`)
        .get(...values) as Row | undefined;
      const row = added ?? (this.store.sql('SELECT * FROM notifications WHERE order_id = ?').get(facts.orderId) as Row);
      return { notification: toNotification(row), created: added !== undefined };
    });
  }

  /** A user's notifications, newest first. */
  list(userId: string): StoredNotification[] {
    return (this.store.sql('SELECT * FROM notifications WHERE user_id = ? ORDER BY created_at DESC, rowid DESC').all(userId) as Row[]).map(toNotification);
  }
}

const toNotification = (row: Row): StoredNotification => ({
  id: row.id,
  userId: row.user_id,
  ...(row.order_id ? { orderId: row.order_id } : {}),
  email: row.email,
  message: row.message,
  createdAt: row.created_at,
});
