import { randomUUID } from 'node:crypto';
import { isSagaOrder, judge, paidFor, type OrderView, type UserSnapshot } from '../../src/scenarios/invariants.js';
import { DEFAULT_ADDRESS } from '../../src/scenarios/scenario-schema.js';
import { eventually } from './eventually.js';

/** A customer of a fault test: who, with what token, how much went in. */
export interface LoadUser {
  email: string;
  token: string;
  depositedCents: number;
}

/** One order of the load and what its client saw. */
export interface LoadOrder {
  user: LoadUser;
  key: string;
  priceCents: number;
  /** An order of the saga: a book from the catalog every system loads, to a city it delivers to. */
  saga?: boolean;
  /** The last answer's status, or the error the client got instead (connection reset, …). */
  answers: (number | string)[];
}

/** What the invariants said, with the figures a note reports. */
export interface FaultFigures {
  sent: number;
  answered: number;
  accepted: number;
  final: number;
  pending: number;
  moneyInCents: number;
  balancesCents: number;
  succeededCents: number;
  notifications: number;
  ordersWithoutOneNotification: number;
  serverErrors: number;
  problems: string[];
}

const json = (token?: string) => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

/** Calls the public API; a request the server never answered gives the error's code instead of a status. */
export async function call(base: string, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number | string; body: any }> {
  try {
    const response = await fetch(`${base}${path}`, { method, headers: { ...json(token), ...headers }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: cause?.code ?? (error as Error).name, body: undefined };
  }
}

/** Registers, logs in and funds `count` customers (waiting for accounts that open asynchronously). */
export async function prepareUsers(base: string, count: number, depositCents: number): Promise<LoadUser[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const email = `fault-${randomUUID().slice(0, 8)}@example.test`;
      const registered = await call(base, 'POST', '/identity/register', undefined, { email, password: 'fault-password' });
      if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
      const login = await call(base, 'POST', '/identity/login', undefined, { email, password: 'fault-password' });
      if (login.status !== 200) throw new Error(`login answered ${login.status}`);
      const token = login.body.accessToken as string;
      await eventually(`the first deposit of ${email}`, () => call(base, 'POST', '/billing/account/deposit', token, { amount: depositCents / 100 }), (deposit) => deposit.status === 204);
      return { email, token, depositedCents: depositCents };
    }),
  );
}

/** One order with its own Idempotency-Key, so the client can retry it safely. */
export async function placeOrder(base: string, order: LoadOrder): Promise<void> {
  const body = { price: order.priceCents / 100, ...(order.saga ? { items: [{ sku: 'book', quantity: 1 }], address: DEFAULT_ADDRESS } : {}) };
  const answer = await call(base, 'POST', '/ordering/orders', order.user.token, body, { 'idempotency-key': order.key });
  order.answers.push(answer.status);
}

/**
 * Waits until every order of every user is final with one notification (or the deadline passes), then checks money,
 * finality and one notification per order. Past the deadline it does not throw: the figures it returns name what did
 * not settle (`problems`), and its callers record the figures and then assert on them.
 */
export async function checkAfterFault(base: string, users: LoadUser[], orders: LoadOrder[], deadlineMs = 60_000): Promise<FaultFigures> {
  const read = async (user: LoadUser) => {
    const [account, list, notes] = await Promise.all([
      call(base, 'GET', '/billing/account', user.token),
      call(base, 'GET', '/ordering/orders', user.token),
      call(base, 'GET', '/notifications', user.token),
    ]);
    return { user, balanceCents: Math.round(account.body.amount * 100), orders: list.body as OrderView[], notes: notes.body as { orderId?: string }[] };
  };
  type Read = Awaited<ReturnType<typeof read>>;
  const snapshots = (state: Read[]): UserSnapshot[] =>
    state.map((s) => ({ alias: s.user.email, depositedCents: s.user.depositedCents, withdrawnCents: 0, balanceCents: s.balanceCents, orders: s.orders, notifications: s.notes }));
  // Plain orders final, sagas at rest (done, cancelled, or with a courier), one notification for each final order: the invariants the scenarios check.
  const verdict = (state: Read[]) => judge(['money-conserved', 'sagas-final', 'one-notification-per-order'], snapshots(state));
  const settled = (state: Read[]) => state.every((s) => s.orders.every((o) => o.status !== 'pending')) && verdict(state).problems.length === 0;
  const what = 'every order final with one notification';
  let last: Read[] | undefined;
  try {
    await eventually(what, async () => (last = await Promise.all(users.map(read))), settled, deadlineMs);
  } catch (error) {
    // Only the deadline is let through (the figures below say what did not settle); a failed read is thrown on.
    if (!last || !(error instanceof Error && error.message.startsWith(`${what}:`))) throw error;
  }
  const state = last!;
  const all = state.flatMap((s) => s.orders);
  const moneyInCents = users.reduce((n, u) => n + u.depositedCents, 0);
  const balancesCents = state.reduce((n, s) => n + s.balanceCents, 0);
  const succeededCents = all.filter(paidFor).reduce((n, o) => n + Math.round(o.price * 100), 0);
  const withoutOne = state.reduce((n, s) => n + s.orders.filter((o) => !isSagaOrder(o) && s.notes.filter((x) => x.orderId === o.id).length !== 1).length, 0);
  const problems: string[] = [...verdict(state).problems];
  const pending = all.filter((o) => o.status === 'pending').length;
  if (pending) problems.push(`${pending} order(s) still pending`);
  const accepted = orders.filter((o) => o.answers.some((a) => a === 201 || a === 202 || a === 422)).length;
  if (all.length > orders.length) problems.push(`${all.length} orders stored for ${orders.length} sent: a retry made a second order`);
  const serverErrors = orders.flatMap((o) => o.answers).filter((a) => a === 500).length;
  if (serverErrors) problems.push(`${serverErrors} answer(s) were 500`);
  return {
    sent: orders.length,
    answered: orders.filter((o) => o.answers.some((a) => typeof a === 'number')).length,
    accepted,
    final: all.length - pending,
    pending,
    moneyInCents,
    balancesCents,
    succeededCents,
    notifications: state.reduce((n, s) => n + s.notes.length, 0),
    ordersWithoutOneNotification: withoutOne,
    serverErrors,
    problems,
  };
}
