import { toCents } from '../core/money.js';
import type { Tokens } from '../core/tokens.js';
import type { ApiClient } from './api-client.js';

/** What the runner knows of a user it created. */
export interface UserState {
  alias: string;
  email: string;
  password: string;
  id?: string;
  token?: string;
  /** Money the system accepted in and out, in cents: the ledger the invariants are checked against. */
  depositedCents: number;
  withdrawnCents: number;
}

/** State shared by the steps of one scenario run. */
export interface RunContext {
  api: ApiClient;
  variant: string;
  /** What the style declares, in words (`answers-orders-later`): a step's `except` may name one. */
  traits: readonly string[];
  runId: string;
  users: Map<string, UserState>;
  /** Order names used in the scenario -> order ids. */
  orders: Map<string, string>;
  /** The system's token issuer, for expired-token probes (absent against a remote system). */
  tokens?: Tokens;
  crowds: number;
  /** Set while a crowd runs: its requests are load, not single actions. */
  load?: boolean;
}

/** A step's result before expectations: the answer (or a synthetic one), plus problems found on the way. */
export interface Outcome {
  status: number;
  body?: any;
  problems?: string[];
  /** What happened, for people, where the answer alone does not say it (crowds, checks). */
  summary?: string;
}

export function userOf(ctx: RunContext, alias: string): UserState {
  let user = ctx.users.get(alias);
  if (!user) {
    user = { alias, email: `${alias}.${ctx.runId}@example.test`, password: `pw-${alias}-secret`, depositedCents: 0, withdrawnCents: 0 };
    ctx.users.set(alias, user);
  }
  return user;
}

/** Cents of an amount the scenario sent (0 for anything that is not a number). */
export const cents = (amount: unknown) => (typeof amount === 'number' ? toCents(amount) : 0);
