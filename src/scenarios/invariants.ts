import type { Outcome, RunContext, UserState } from './run-context.js';
import { cents } from './run-context.js';
import { formatCents } from '../core/money.js';
import type { Invariant } from './scenario-schema.js';
import { HISTORY_RULE_NAMES, judgeHistory } from './history-rules.js';

export type { Invariant } from './scenario-schema.js';

/** An order as `GET /ordering/orders` shows it: plain ones have a price and a status; the saga's also items and a history. */
export interface OrderView {
  id: string;
  price: number;
  status: string;
  reason?: string;
  items?: { sku: string; quantity: number }[];
  history?: { status: string }[];
}

/** What one user's state looks like through the public API, beside what the runner saw them pay in and take out. */
export interface UserSnapshot {
  alias: string;
  depositedCents: number;
  withdrawnCents: number;
  balanceCents: number;
  orders: OrderView[];
  notifications: { orderId?: string }[];
}

/** The scenario's own catalog (as loaded: how many at first) and the catalog as `GET /stock/items` shows it now. */
export interface StockSnapshot {
  catalog: { sku: string; initial: number }[];
  items: { sku: string; available: number; reserved: number }[];
}

/** Statuses only an order of the saga has. */
const SAGA_STATUSES = new Set(['created', 'paid', 'reserved', 'delivering', 'done', 'cancelled']);

/** Is this an order of the saga (items to deliver), rather than a plain one (a price only)? */
export const isSagaOrder = (o: OrderView) => (Array.isArray(o.items) && o.items.length > 0) || SAGA_STATUSES.has(o.status);

/** The goods of a saga order in these states left the shelf with a courier and were not brought back; its price stays paid. */
const WITH_CUSTOMER = new Set(['delivering', 'done']);
/** Whether the customer paid for this order for good: a plain one that succeeded, a saga one whose goods are with them. */
export const paidFor = (o: OrderView) => (isSagaOrder(o) ? WITH_CUSTOMER.has(o.status) : o.status === 'succeeded');
/** Where a saga order may rest when the scenario is over: done, cancelled, or with a courier until the customer says it arrived. */
const SAGA_RESTS = new Set(['done', 'cancelled', 'delivering']);
/** Nothing happens to these orders any more. */
const FINAL_PLAIN = new Set(['succeeded', 'failed']);
const FINAL_SAGA = new Set(['done', 'cancelled']);

/**
 * The moves of the saga as the public API promises them: forward from created to done, or to
 * cancelled from any state before done. Written here from the API's description, not taken from
 * the services' table, so that the check judges the services rather than repeating them.
 */
const SAGA_MOVES: Record<string, readonly string[]> = {
  created: ['paid', 'cancelled'],
  paid: ['reserved', 'cancelled'],
  reserved: ['delivering', 'cancelled'],
  delivering: ['done', 'cancelled'],
  done: [],
  cancelled: [],
};

/** What is wrong with an order's history: it must start at created, move only as the saga moves (so never repeat a status), and end where the order is. */
export function historyProblem(o: OrderView): string | undefined {
  if (!Array.isArray(o.history) || o.history.length === 0) return `${o.id} has no history`;
  const path = o.history.map((h) => h?.status);
  const shown = path.join(' → ');
  if (path[0] !== 'created') return `${o.id}'s history starts at ${path[0]}, not created (${shown})`;
  for (let i = 1; i < path.length; i++) {
    if (!SAGA_MOVES[path[i - 1]]?.includes(path[i])) return `${o.id}'s history moves from ${path[i - 1]} to ${path[i]}, which the saga never does (${shown})`;
  }
  if (path[path.length - 1] !== o.status) return `${o.id} is ${o.status} but its history ends at ${path[path.length - 1]} (${shown})`;
  return undefined;
}

const sum = <T>(list: readonly T[], of: (t: T) => number) => list.reduce((n, t) => n + of(t), 0);

/** The verdict of some invariants on snapshots: what did not hold, figures for the report, and a line for people. */
export interface Verdict {
  problems: string[];
  body: Record<string, unknown>;
  said: string[];
}

/** Judges the invariants on what the API showed (no I/O: the arithmetic, on its own). */
export function judge(invariants: readonly Invariant[], users: readonly UserSnapshot[], stock?: StockSnapshot): Verdict {
  const problems: string[] = [];
  const body: Record<string, unknown> = { users: users.length };
  const said: string[] = [`${users.length} user(s)`];
  const allOrders = users.flatMap((u) => u.orders);

  if (invariants.includes('money-conserved')) {
    // Money in (deposits − withdrawals) is on the accounts or paid for something: a plain order that
    // succeeded, or a saga order whose goods are with the customer (delivering or done). A cancelled
    // saga order was refunded or never charged; one still under way makes the sums differ until it settles.
    const inflow = sum(users, (u) => u.depositedCents - u.withdrawnCents);
    const held = sum(users, (u) => u.balanceCents);
    const plain = sum(allOrders.filter((o) => !isSagaOrder(o) && o.status === 'succeeded'), (o) => cents(o.price));
    const saga = sum(allOrders.filter((o) => isSagaOrder(o) && WITH_CUSTOMER.has(o.status)), (o) => cents(o.price));
    body.money = { depositedMinusWithdrawn: inflow / 100, balances: held / 100, succeededOrders: plain / 100, sagaOrdersPaid: saga / 100 };
    said.push(`money in ${formatCents(inflow)} = balances ${formatCents(held)} + orders ${formatCents(plain + saga)}`);
    if (inflow !== held + plain + saga) {
      problems.push(`money not conserved: in ${inflow / 100} ≠ balances ${held / 100} + orders ${plain / 100}${saga ? ` + saga orders delivering or done ${saga / 100}` : ''}`);
    }
  }
  if (invariants.includes('orders-final')) {
    const open = allOrders.filter((o) => !(isSagaOrder(o) ? FINAL_SAGA : FINAL_PLAIN).has(o.status));
    body.orders = allOrders.length;
    said.push(`${allOrders.length} order(s) final`);
    if (open.length) problems.push(`${open.length} order(s) not final (e.g. ${open[0].id} is ${open[0].status})`);
  }
  if (invariants.includes('sagas-final')) {
    const sagas = allOrders.filter(isSagaOrder);
    const restless = sagas.filter((o) => !SAGA_RESTS.has(o.status));
    body.sagas = sagas.length;
    said.push(`${sagas.length} saga order(s) done, cancelled or delivering`);
    if (restless.length) problems.push(`${restless.length} saga order(s) still under way (e.g. ${restless[0].id} is ${restless[0].status})`);
    for (const o of sagas) {
      const wrong = historyProblem(o);
      if (wrong) problems.push(wrong);
    }
  }
  if (invariants.includes('one-notification-per-order')) {
    // A customer hears of an order once it is final: every plain order, a saga order once done or
    // cancelled; none while it is on its way (delivering is not the end).
    for (const u of users) {
      const ids = u.notifications.map((n) => n.orderId).filter(Boolean).sort();
      const final = u.orders.filter((o) => !isSagaOrder(o) || FINAL_SAGA.has(o.status));
      const expected = final.map((o) => o.id).sort();
      if (ids.join() !== expected.join()) {
        const waiting = u.orders.length - final.length;
        problems.push(`${u.alias}: ${ids.length} notification(s) for ${expected.length} ${waiting ? 'final ' : ''}order(s)${waiting ? ` (${waiting} saga order(s) not final yet)` : ''}`);
      }
    }
    said.push('one notification per order');
  }
  if (invariants.includes('stock-balanced')) {
    // The stock service keeps, per item, initial = available + reserved + delivered − returned. The public
    // API shows available and reserved but neither delivered nor returned. Goods leave the shelf when
    // their order is handed to delivery (it turns delivering) and come back only when an order that was
    // delivering is cancelled (the return delivery restocks them). So, per item, delivered − returned is
    // the quantity in the orders now delivering or done: a done order's goods are with the customer, a
    // cancelled one's never left or came back. Hence initial = available + reserved + items of the orders
    // delivering or done. Only the scenario's own items can be judged: the default catalog is shared by
    // every run on the system. (A moment after a hand-over or a return the reads may disagree: check it `eventually`.)
    const withCustomers = allOrders.filter((o) => isSagaOrder(o) && WITH_CUSTOMER.has(o.status)).flatMap((o) => o.items ?? []);
    const lines: string[] = [];
    for (const own of stock?.catalog ?? []) {
      const item = stock?.items.find((i) => i.sku === own.sku);
      if (!item) {
        problems.push(`stock: ${own.sku} is not in the catalog any more`);
        continue;
      }
      const out = sum(withCustomers.filter((l) => l.sku === own.sku), (l) => l.quantity);
      lines.push(`${own.sku} ${own.initial} = ${item.available} + ${item.reserved} + ${out}`);
      if (own.initial !== item.available + item.reserved + out) {
        problems.push(`stock of ${own.sku} not balanced: ${own.initial} at first ≠ ${item.available} available + ${item.reserved} reserved + ${out} in orders delivering or done`);
      }
      if (item.available < 0 || item.reserved < 0) problems.push(`stock of ${own.sku} below zero: ${item.available} available, ${item.reserved} reserved`);
    }
    body.stock = lines;
    said.push(`stock at first = available + reserved + delivered (${lines.join('; ') || 'no items'})`);
  }
  return { problems, body, said };
}

async function snapshot(ctx: RunContext, user: UserState): Promise<UserSnapshot | string> {
  if (!user.token) return `${user.alias} has no token (never logged in)`;
  const token = user.token;
  const [balance, orders, notifications] = await Promise.all([
    ctx.api.send('check', 'GET', '/billing/account', { token }),
    ctx.api.send('check', 'GET', '/ordering/orders', { token }),
    ctx.api.send('check', 'GET', '/notifications', { token }),
  ]);
  if (balance.status !== 200 || orders.status !== 200 || notifications.status !== 200) {
    return `${user.alias}: reading state failed (${balance.status}/${orders.status}/${notifications.status})`;
  }
  return {
    alias: user.alias,
    depositedCents: user.depositedCents,
    withdrawnCents: user.withdrawnCents,
    balanceCents: cents(balance.body.amount),
    orders: orders.body,
    notifications: notifications.body,
  };
}

/** Reads every user's balance, orders and notifications (and the catalog, for `stock-balanced`) through the API and checks the invariants. */
export async function checkInvariants(ctx: RunContext, invariants: Invariant[]): Promise<Outcome> {
  const rules = invariants.filter((i) => (HISTORY_RULE_NAMES as readonly string[]).includes(i));
  // The history rules judge what the client already saw: nothing to read.
  if (rules.length === invariants.length) {
    const broken = judgeHistory(rules, ctx.api.history);
    return { status: 200, body: { answers: ctx.api.history.length }, problems: broken, summary: `${rules.length} history rule(s) over ${ctx.api.history.length} answer(s)` };
  }
  const users = [...ctx.users.values()].filter((u) => u.id);
  const snaps = await Promise.all(users.map((u) => snapshot(ctx, u)));
  const problems = snaps.filter((s): s is string => typeof s === 'string');
  const ok = snaps.filter((s): s is UserSnapshot => typeof s !== 'string');
  let stock: StockSnapshot | undefined;
  if (invariants.includes('stock-balanced')) {
    const items = await ctx.api.send('check', 'GET', '/stock/items');
    if (items.status !== 200 || !Array.isArray(items.body)) problems.push(`reading the catalog failed (${items.status})`);
    else stock = { catalog: [...(ctx.catalog?.values() ?? [])], items: items.body };
  }
  const verdict = judge(invariants, ok, stock);
  // The history rules judge every answer the client saw, these reads included.
  const broken = judgeHistory(rules, ctx.api.history);
  if (rules.length) verdict.said.push(`${rules.length} history rule(s) over ${ctx.api.history.length} answer(s)`);
  return { status: 200, body: verdict.body, problems: [...problems, ...verdict.problems, ...broken], summary: verdict.said.join(', ') };
}
