import { AppError, conflict, notFound } from '../../core/errors.js';
import type { Db } from '../../storage/database.js';
import { getLast } from '../../storage/sql-db.js';
import { inBatches, PRUNE_LIMIT, type Store } from '../../storage/store.js';
import type { TraceContext } from '../../tracing/context.js';
import { keyReused } from '../idempotency.js';
import { noNotes, type Note } from '../note.js';

const LEDGER_KINDS = `'deposit', 'withdrawal', 'payment', 'refund'`;

export const billingSchema = `
CREATE TABLE IF NOT EXISTS accounts (
  user_id TEXT PRIMARY KEY,
  amount_cents INTEGER NOT NULL DEFAULT 0 CHECK (amount_cents BETWEEN 0 AND 9007199254740991),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
  reason TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN (${LEDGER_KINDS})),
  delta_cents INTEGER NOT NULL,
  reference TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
  payment_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  message TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_at);`;

/**
 * Billing databases made before refunds existed: their ledger's CHECK does not allow the kind 'refund'.
 * SQLite cannot change a CHECK in place, so the table is rebuilt with its rows; PostgreSQL swaps the constraint.
 */
export function migrateBilling(db: Db): void {
  if (db.dialect === 'sqlite') {
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").get() as { sql: string };
    if (table.sql.includes("'refund'")) return;
    db.exec(`CREATE TABLE ledger_migrating (seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN (${LEDGER_KINDS})),
               delta_cents INTEGER NOT NULL, reference TEXT, created_at TEXT NOT NULL);
             INSERT INTO ledger_migrating (seq, user_id, kind, delta_cents, reference, created_at) SELECT seq, user_id, kind, delta_cents, reference, created_at FROM ledger;
             DROP TABLE ledger;
             ALTER TABLE ledger_migrating RENAME TO ledger;`);
    return;
  }
  const checks = db.prepare("SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'ledger'::regclass AND contype = 'c'").all() as { conname: string; def: string }[];
  const kind = checks.find((c) => c.def.includes('kind'));
  if (kind && !kind.def.includes("'refund'")) db.exec(`ALTER TABLE ledger DROP CONSTRAINT "${kind.conname}", ADD CONSTRAINT ledger_kind_check CHECK (kind IN (${LEDGER_KINDS}))`);
}

/** A deposit or a withdrawal, as a client asks for it. */
export type Movement = 'deposit' | 'withdraw';

/** How a deposit or withdrawal ended, as its caller is answered: 204, or a 4xx with its message; `replayed` when it is the stored outcome of an earlier request with the same key. */
export interface MovementOutcome {
  status: number;
  message?: string;
  replayed: boolean;
}

/** An account as billing's internal API shows it. */
export interface Account {
  userId: string;
  amountCents: number;
  createdAt: string;
  updatedAt: string;
}

/** A payment and how it ended. */
export interface Payment {
  id: string;
  userId: string;
  amountCents: number;
  status: 'succeeded' | 'failed';
  reason?: string;
}

/** A withdrawal either happened or was declined for a reason a user can read. */
export type Withdrawal = { ok: true } | { ok: false; reason: string };

export const NOT_ENOUGH_MONEY = 'not enough money';
/** A declined withdrawal as an error for a caller that must fail: 404 without an account, else 422. */
export const refusal = (reason: string) => new AppError(reason === NO_ACCOUNT ? 'NOT_FOUND' : 'UNPROCESSABLE', reason);

/** The most an account holds: what a JavaScript number keeps exact. */
export const MAX_BALANCE_CENTS = Number.MAX_SAFE_INTEGER;
export const NO_ACCOUNT = 'account not found';

interface AccountRow {
  user_id: string;
  amount_cents: number;
  created_at: string;
  updated_at: string;
}

interface PaymentRow {
  id: string;
  user_id: string;
  amount_cents: number;
  status: Payment['status'];
  reason: string | null;
}

const toPayment = (row: PaymentRow): Payment => ({ id: row.id, userId: row.user_id, amountCents: row.amount_cents, status: row.status, ...(row.reason ? { reason: row.reason } : {}) });

const toAccount = (row: AccountRow): Account => ({
  userId: row.user_id,
  amountCents: row.amount_cents,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * One account per user; every movement goes through the ledger in the same write.
 * Raises DepositMade, WithdrawalMade and PaymentSettled.
 */
export class BillingService {
  private readonly statements;

  constructor(
    private readonly store: Store,
    private readonly note: Note = noNotes,
  ) {
    this.statements = {
      debit: this.store.sql(
        `UPDATE accounts SET amount_cents = amount_cents - ?, updated_at = now_utc() WHERE user_id = ? AND amount_cents >= ?`,
      ),
      ledger: this.store.sql(`INSERT INTO ledger (user_id, kind, delta_cents, reference, created_at) VALUES (?, ?, ?, ?, now_utc())`),
    };
  }

  /** Takes money inside a write: never below zero, recorded in the ledger. */
  private take(userId: string, cents: number, kind: 'withdrawal' | 'payment', reference: string | null): Withdrawal {
    if (this.statements.debit.run(cents, userId, cents).changes === 1) {
      this.statements.ledger.run(userId, kind, -cents, reference);
      return { ok: true };
    }
    return { ok: false, reason: this.find(userId) ? NOT_ENOUGH_MONEY : NO_ACCOUNT };
  }

  /** Opens the account of a user; opening it again changes nothing. */
  openAccount(trace: TraceContext | undefined, userId: string): Account {
    return this.store.write(trace, () => {
      this.store
        .sql(`INSERT INTO accounts (user_id, amount_cents, created_at, updated_at)
                  VALUES (?, 0, now_utc(), now_utc()) ON CONFLICT DO NOTHING`)
        .run(userId);
      this.note(trace, 'account opened');
      return this.account(userId);
    });
  }

  /** Opens an account for each of `userIds` that has none, in one write; returns those it opened. */
  openMissing(trace: TraceContext | undefined, userIds: string[]): string[] {
    return this.store.write(trace, () => {
      const missing = userIds.filter((userId) => !this.find(userId));
      for (const userId of missing) this.openAccount(trace, userId);
      return missing;
    });
  }

  /** Whether the user has an account. */
  hasAccount(userId: string): boolean {
    return this.find(userId) !== undefined;
  }

  account(userId: string): Account {
    const account = this.find(userId);
    if (!account) throw notFound(NO_ACCOUNT);
    return account;
  }

  deposit(trace: TraceContext | undefined, userId: string, cents: number): Account {
    return this.store.write(trace, () => {
      const current = this.find(userId);
      if (!current) throw notFound(NO_ACCOUNT);
      if (current.amountCents + cents > MAX_BALANCE_CENTS) throw new AppError('UNPROCESSABLE', 'the balance would exceed the largest amount an account can hold');
      this.store
        .sql(`UPDATE accounts SET amount_cents = amount_cents + ?, updated_at = now_utc() WHERE user_id = ?`)
        .run(cents, userId);
      this.statements.ledger.run(userId, 'deposit', cents, null);
      this.store.raise('DepositMade', { userId, amountCents: cents });
      return this.account(userId);
    });
  }

  /**
   * A client's deposit or withdrawal, at most once per Idempotency-Key: the first request's outcome
   * (204 or its 4xx) is stored with the request's fingerprint in the same write, a repeat gets it
   * back without moving money, and the key with another body is a 422 that changes nothing.
   * Never throws a 4xx: the outcome says it, so a caller can answer it in the same transaction.
   */
  move(trace: TraceContext | undefined, kind: Movement, userId: string, cents: number, key?: string): MovementOutcome {
    return this.store.write(trace, (): MovementOutcome => {
      const fingerprint = `${kind}:${cents}`;
      if (key) {
        const stored = this.store.sql('SELECT fingerprint, status, message FROM idempotency_keys WHERE user_id = ? AND key = ?').get(userId, key) as
          | { fingerprint: string; status: number; message: string | null }
          | undefined;
        if (stored && stored.fingerprint !== fingerprint) return { status: 422, message: keyReused(key).message, replayed: false };
        if (stored) return { status: stored.status, ...(stored.message ? { message: stored.message } : {}), replayed: true };
      }
      let outcome: { status: number; message?: string };
      try {
        this.store.savepoint(() => {
          if (kind === 'deposit') return void this.deposit(trace, userId, cents);
          const result = this.withdraw(trace, userId, cents);
          if (!result.ok) throw refusal(result.reason);
        });
        outcome = { status: 204 };
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        outcome = { status: error.status, message: error.message };
      }
      if (key) {
        this.store
          .sql(`INSERT INTO idempotency_keys (user_id, key, fingerprint, status, message, created_at) VALUES (?, ?, ?, ?, ?, now_utc())`)
          .run(userId, key, fingerprint, outcome.status, outcome.message ?? null);
      }
      return { ...outcome, replayed: false };
    });
  }

  /** Takes money out; never below zero, however many withdrawals race. */
  withdraw(trace: TraceContext | undefined, userId: string, cents: number): Withdrawal {
    return this.store.write(trace, () => {
      const result = this.take(userId, cents, 'withdrawal', null);
      if (result.ok) this.store.raise('WithdrawalMade', { userId, amountCents: cents });
      return result;
    });
  }

  /**
   * Charges a payment once: asking again with the same id returns the first outcome. Raises
   * PaymentSettled unless `announce` is false (a choreography announces it on its own channel).
   */
  pay(trace: TraceContext | undefined, paymentId: string, userId: string, cents: number, announce = true): Payment {
    // A write of its own that records no delivery and stores no event: the charge is its last statement and carries the COMMIT (PostgreSQL).
    const last = !this.store.db.inTransaction && !trace?.delivery && !(announce && this.store.stores('PaymentSettled'));
    return this.store.write(trace, (): Payment => {
      const charged = this.store.db.dialect === 'postgres' ? this.chargeInOne(paymentId, userId, cents, last) : this.charge(paymentId, userId, cents);
      if (charged.existed) {
        if (charged.payment.userId !== userId || charged.payment.amountCents !== cents) throw conflict(`payment ${paymentId} exists with other terms`);
        return charged.payment;
      }
      const payment = charged.payment;
      if (announce) this.store.raise('PaymentSettled', payment);
      this.note(trace, payment.status === 'succeeded' ? 'payment taken' : `payment declined: ${payment.reason}`);
      return payment;
    });
  }

  /** Inside a write: the payment `paymentId` as it was (`existed`), or charged now (taken, or declined with the reason) and recorded. */
  private charge(paymentId: string, userId: string, cents: number): { payment: Payment; existed: boolean } {
    const existing = this.payment(paymentId);
    if (existing) return { payment: existing, existed: true };
    const result = this.take(userId, cents, 'payment', paymentId);
    const payment: Payment = result.ok
      ? { id: paymentId, userId, amountCents: cents, status: 'succeeded' }
      : { id: paymentId, userId, amountCents: cents, status: 'failed', reason: result.reason };
    this.store
      .sql(`INSERT INTO payments (id, user_id, amount_cents, status, reason, created_at) VALUES (?, ?, ?, ?, ?, now_utc())`)
      .run(payment.id, userId, cents, payment.status, payment.reason ?? null);
    return { payment, existed: false };
  }

  /** `charge` as one statement (PostgreSQL): the payment looked up, the account debited, the ledger and the payment written, in one round trip (with the COMMIT when `last`). */
  private chargeInOne(paymentId: string, userId: string, cents: number, last: boolean): { payment: Payment; existed: boolean } {
    const statement = this.store
      .sql(`WITH existing AS (SELECT id, user_id, amount_cents, status, reason FROM payments WHERE id = CAST($1 AS TEXT)),
                 debited AS (UPDATE accounts SET amount_cents = amount_cents - CAST($3 AS BIGINT), updated_at = now_utc()
                             WHERE user_id = CAST($2 AS TEXT) AND amount_cents >= $3 AND NOT EXISTS (SELECT 1 FROM existing) RETURNING user_id),
                 ledger AS (INSERT INTO ledger (user_id, kind, delta_cents, reference, created_at) SELECT user_id, 'payment', -$3, $1, now_utc() FROM debited),
                 made AS (INSERT INTO payments (id, user_id, amount_cents, status, reason, created_at)
                          SELECT $1, $2, $3, CASE WHEN EXISTS (SELECT 1 FROM debited) THEN 'succeeded' ELSE 'failed' END,
                                 CASE WHEN EXISTS (SELECT 1 FROM debited) THEN NULL WHEN EXISTS (SELECT 1 FROM accounts WHERE user_id = $2) THEN CAST($4 AS TEXT) ELSE CAST($5 AS TEXT) END, now_utc()
                          WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id, user_id, amount_cents, status, reason)
            SELECT *, false AS existed FROM made UNION ALL SELECT *, true FROM existing`);
    const values = [paymentId, userId, cents, NOT_ENOUGH_MONEY, NO_ACCOUNT];
    const row = (last ? getLast(statement, ...values) : statement.get(...values)) as PaymentRow & { existed: boolean };
    return { payment: toPayment(row), existed: row.existed };
  }

  /**
   * Gives back a payment that was taken (the saga's compensation), once: asking again answers the same and
   * moves nothing. A payment that failed has nothing to give back; one that never was (the order was
   * cancelled while its payment was on its way) is recorded as declined on the terms given, so the
   * payment that arrives later takes nothing.
   */
  refund(trace: TraceContext | undefined, paymentId: string, terms?: { userId: string; amountCents: number }): { refunded: boolean; amountCents: number } {
    return this.store.write(trace, () => {
      const done = this.store.sql('SELECT amount_cents FROM refunds WHERE payment_id = ?').get(paymentId) as { amount_cents: number } | undefined;
      if (done) return { refunded: true, amountCents: done.amount_cents };
      const payment = this.payment(paymentId);
      if (!payment && terms) {
        this.store
          .sql(`INSERT INTO payments (id, user_id, amount_cents, status, reason, created_at) VALUES (?, ?, ?, 'failed', 'order cancelled', now_utc())`)
          .run(paymentId, terms.userId, terms.amountCents);
        this.note(trace, 'payment called off before it was taken');
      }
      if (!payment || payment.status !== 'succeeded') return { refunded: false, amountCents: 0 };
      this.store.sql('INSERT INTO refunds (payment_id, user_id, amount_cents, created_at) VALUES (?, ?, ?, now_utc())').run(paymentId, payment.userId, payment.amountCents);
      this.store.sql('UPDATE accounts SET amount_cents = amount_cents + ?, updated_at = now_utc() WHERE user_id = ?').run(payment.amountCents, payment.userId);
      this.statements.ledger.run(payment.userId, 'refund', payment.amountCents, paymentId);
      this.store.raise('PaymentRefunded', { paymentId, userId: payment.userId, amountCents: payment.amountCents });
      this.note(trace, 'payment refunded');
      return { refunded: true, amountCents: payment.amountCents };
    });
  }

  /** Forgets the Idempotency-Keys of deposits and withdrawals made before `before` (ms since the epoch), oldest first and a bounded batch at a time; returns how many. */
  pruneKeys(before: number, limit = PRUNE_LIMIT): number {
    const cutoff = new Date(before).toISOString();
    const prune = this.store.sql('DELETE FROM idempotency_keys WHERE (user_id, key) IN (SELECT user_id, key FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)');
    return inBatches((batch) => this.store.write(undefined, () => prune.run(cutoff, batch).changes), limit);
  }

  payment(id: string): Payment | undefined {
    const row = this.store.sql('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow | undefined;
    return row && toPayment(row);
  }

  private find(userId: string): Account | undefined {
    const row = this.store.sql('SELECT * FROM accounts WHERE user_id = ?').get(userId) as AccountRow | undefined;
    return row && toAccount(row);
  }
}
