import type { Outcome, RunContext, UserState } from './run-context.js';
import { cents } from './run-context.js';
import { formatCents } from '../core/money.js';

/** The invariants a `check` step can ask for. */
export type Invariant = 'money-conserved' | 'orders-final' | 'one-notification-per-order';

interface Snapshot {
  user: UserState;
  balanceCents: number;
  orders: { id: string; price: number; status: string }[];
  notifications: { orderId?: string }[];
}

async function snapshot(ctx: RunContext, user: UserState): Promise<Snapshot | string> {
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
  return { user, balanceCents: cents(balance.body.amount), orders: orders.body, notifications: notifications.body };
}

/** Reads every user's balance, orders and notifications through the API and checks the invariants. */
export async function checkInvariants(ctx: RunContext, invariants: Invariant[]): Promise<Outcome> {
  const users = [...ctx.users.values()].filter((u) => u.id);
  const snaps = await Promise.all(users.map((u) => snapshot(ctx, u)));
  const problems = snaps.filter((s): s is string => typeof s === 'string');
  const ok = snaps.filter((s): s is Snapshot => typeof s !== 'string');
  const body: Record<string, unknown> = { users: ok.length };
  const said: string[] = [`${ok.length} user(s)`];

  if (invariants.includes('money-conserved')) {
    const inflow = ok.reduce((sum, s) => sum + s.user.depositedCents - s.user.withdrawnCents, 0);
    const held = ok.reduce((sum, s) => sum + s.balanceCents, 0);
    const spent = ok.reduce((sum, s) => sum + s.orders.filter((o) => o.status === 'succeeded').reduce((a, o) => a + cents(o.price), 0), 0);
    body.money = { depositedMinusWithdrawn: inflow / 100, balances: held / 100, succeededOrders: spent / 100 };
    said.push(`money in ${formatCents(inflow)} = balances ${formatCents(held)} + orders ${formatCents(spent)}`);
    if (inflow !== held + spent) problems.push(`money not conserved: in ${inflow / 100} ≠ balances ${held / 100} + orders ${spent / 100}`);
  }
  if (invariants.includes('orders-final')) {
    const open = ok.flatMap((s) => s.orders.filter((o) => o.status !== 'succeeded' && o.status !== 'failed'));
    body.orders = ok.reduce((n, s) => n + s.orders.length, 0);
    said.push(`${body.orders} order(s) final`);
    if (open.length) problems.push(`${open.length} order(s) not final (e.g. ${open[0].id} is ${open[0].status})`);
  }
  if (invariants.includes('one-notification-per-order')) {
    for (const s of ok) {
      const ids = s.notifications.map((n) => n.orderId).filter(Boolean).sort();
      const expected = s.orders.map((o) => o.id).sort();
      if (ids.join() !== expected.join()) problems.push(`${s.user.alias}: ${ids.length} notification(s) for ${expected.length} order(s)`);
    }
    said.push('one notification per order');
  }
  return { status: 200, body, problems, summary: said.join(', ') };
}
