import { randomUUID } from 'node:crypto';
import type { Tokens } from '../../core/tokens.js';
import type { ExpertStores } from './expert-stores.js';

/** A customer of the reference: its id and access token. */
export interface ExpertUser {
  id: string;
  token: string;
}

/** Writes `count` customers straight into identity's and billing's tables, each with `balanceCents` deposited (ledger row included), and issues their tokens. */
export async function prepareExpertUsers(stores: ExpertStores, tokens: Tokens, count: number, balanceCents: number): Promise<ExpertUser[]> {
  const at = new Date().toISOString();
  const users = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), email: `expert-${i}@example.test` }));
  const { identity, billing } = stores.db;
  const user = identity.prepare(`INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, 'not a password: the reference issues tokens itself', ?)`);
  identity.transaction(() => users.forEach((u) => user.run(u.id, u.email, at)));
  const account = billing.prepare('INSERT INTO accounts (user_id, amount_cents, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const ledger = billing.prepare(`INSERT INTO ledger (user_id, kind, delta_cents, reference, created_at) VALUES (?, 'deposit', ?, NULL, ?)`);
  billing.transaction(() =>
    users.forEach((u) => {
      account.run(u.id, balanceCents, at, at);
      if (balanceCents > 0) ledger.run(u.id, balanceCents, at);
    }),
  );
  return Promise.all(users.map(async (u) => ({ id: u.id, token: await tokens.issue(u) })));
}
