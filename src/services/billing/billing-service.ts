import { AppError, conflict, notFound } from '../../core/errors.js';
import type { Store } from '../../storage/store.js';
import { noNotes, type Note } from '../note.js';

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
  kind TEXT NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'payment')),
  delta_cents INTEGER NOT NULL,
  reference TEXT,
  created_at TEXT NOT NULL
);`;

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
        `UPDATE accounts SET amount_cents = amount_cents - ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE user_id = ? AND amount_cents >= ?`,
      ),
      ledger: this.store.sql(`INSERT INTO ledger (user_id, kind, delta_cents, reference, created_at) VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ'))`),
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
  openAccount(userId: string): Account {
    return this.store.write(() => {
      this.store
        .sql(`INSERT OR IGNORE INTO accounts (user_id, amount_cents, created_at, updated_at)
                  VALUES (?, 0, strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ'))`)
        .run(userId);
      this.note('account opened');
      return this.account(userId);
    });
  }

  account(userId: string): Account {
    const account = this.find(userId);
    if (!account) throw notFound(NO_ACCOUNT);
    return account;
  }

  deposit(userId: string, cents: number): Account {
    return this.store.write(() => {
      const current = this.find(userId);
      if (!current) throw notFound(NO_ACCOUNT);
      if (current.amountCents + cents > MAX_BALANCE_CENTS) throw new AppError('UNPROCESSABLE', 'the balance would exceed the largest amount an account can hold');
      this.store
        .sql(`UPDATE accounts SET amount_cents = amount_cents + ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE user_id = ?`)
        .run(cents, userId);
      this.statements.ledger.run(userId, 'deposit', cents, null);
      this.store.raise('DepositMade', { userId, amountCents: cents });
      return this.account(userId);
    });
  }

  /** Takes money out; never below zero, however many withdrawals race. */
  withdraw(userId: string, cents: number): Withdrawal {
    return this.store.write(() => {
      const result = this.take(userId, cents, 'withdrawal', null);
      if (result.ok) this.store.raise('WithdrawalMade', { userId, amountCents: cents });
      return result;
    });
  }

  /** Charges a payment once: asking again with the same id returns the first outcome. */
  pay(paymentId: string, userId: string, cents: number): Payment {
    return this.store.write((): Payment => {
      const existing = this.payment(paymentId);
      if (existing) {
        if (existing.userId !== userId || existing.amountCents !== cents) throw conflict(`payment ${paymentId} exists with other terms`);
        return existing;
      }
      const result = this.take(userId, cents, 'payment', paymentId);
      const payment: Payment = result.ok
        ? { id: paymentId, userId, amountCents: cents, status: 'succeeded' }
        : { id: paymentId, userId, amountCents: cents, status: 'failed', reason: result.reason };
      this.store
        .sql(`INSERT INTO payments (id, user_id, amount_cents, status, reason, created_at) VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ'))`)
        .run(payment.id, userId, cents, payment.status, payment.reason ?? null);
      this.store.raise('PaymentSettled', payment);
      this.note(result.ok ? 'payment taken' : `payment declined: ${result.reason}`);
      return payment;
    });
  }

  payment(id: string): Payment | undefined {
    const row = this.store.sql('SELECT * FROM payments WHERE id = ?').get(id) as
      | { id: string; user_id: string; amount_cents: number; status: Payment['status']; reason: string | null }
      | undefined;
    return row && { id: row.id, userId: row.user_id, amountCents: row.amount_cents, status: row.status, ...(row.reason ? { reason: row.reason } : {}) };
  }

  private find(userId: string): Account | undefined {
    const row = this.store.sql('SELECT * FROM accounts WHERE user_id = ?').get(userId) as AccountRow | undefined;
    return row && toAccount(row);
  }
}
