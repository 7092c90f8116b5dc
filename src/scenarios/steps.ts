import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { checkInvariants } from './invariants.js';
import { cents, userOf, type Outcome, type RunContext, type UserState } from './run-context.js';
import type { ActionName } from './scenario-schema.js';

type Perform = (ctx: RunContext, args: any) => Promise<Outcome>;

/** Requests made by a crowd are load, reported apart from single actions (`crowd order`). */
const kindOf = (ctx: RunContext, kind: string) => (ctx.load ? `crowd ${kind}` : kind);

const asUser = (ctx: RunContext, alias: string): UserState => {
  const user = userOf(ctx, alias);
  if (!user.token) throw new Error(`${alias} has not logged in yet: add a login step before this one`);
  return user;
};

async function register(ctx: RunContext, args: { user: string; email?: string; password?: string; firstName?: string; lastName?: string; phone?: string }): Promise<Outcome> {
  const user = userOf(ctx, args.user);
  if (args.password) user.password = args.password;
  const email = args.email ?? user.email;
  const answer = await ctx.api.send(kindOf(ctx, 'register'), 'POST', '/identity/register', {
    body: { email, password: user.password, firstName: args.firstName ?? args.user, lastName: args.lastName, phone: args.phone },
  });
  if (answer.status === 201) user.id = answer.body.id;
  return answer;
}

async function login(ctx: RunContext, args: { user: string; password?: string }): Promise<Outcome> {
  const user = userOf(ctx, args.user);
  const answer = await ctx.api.send(kindOf(ctx, 'login'), 'POST', '/identity/login', { body: { email: user.email, password: args.password ?? user.password } });
  if (answer.status === 200) user.token = answer.body.accessToken;
  return answer;
}

async function move(ctx: RunContext, kind: 'deposit' | 'withdraw', args: { user: string; amount: number }): Promise<Outcome> {
  const user = asUser(ctx, args.user);
  const answer = await ctx.api.send(kindOf(ctx, kind), 'POST', `/billing/account/${kind}`, { token: user.token, body: { amount: args.amount } });
  if (answer.status === 204) {
    if (kind === 'deposit') user.depositedCents += cents(args.amount);
    else user.withdrawnCents += cents(args.amount);
  }
  return answer;
}

async function order(ctx: RunContext, args: { user: string; price: number; name?: string; 'idempotency-key'?: string }): Promise<Outcome> {
  const user = asUser(ctx, args.user);
  const key = args['idempotency-key'];
  const answer = await ctx.api.send(kindOf(ctx, 'order'), 'POST', '/ordering/orders', {
    token: user.token,
    body: { price: args.price },
    headers: key ? { 'idempotency-key': key } : undefined,
  });
  const id = answer.body?.id ?? answer.body?.order?.id;
  if (args.name && id) ctx.orders.set(args.name, id);
  return answer;
}

const read = (kind: string, path: string) => (ctx: RunContext, args: { user: string }) =>
  ctx.api.send(kind, 'GET', path, { token: asUser(ctx, args.user).token });

async function orderStatus(ctx: RunContext, args: { user: string; order: string; wait?: 'push' }): Promise<Outcome> {
  const id = ctx.orders.get(args.order);
  if (!id) throw new Error(`no order named "${args.order}" was placed earlier in this scenario`);
  const token = asUser(ctx, args.user).token;
  // Where the style pushes, wait for the final status on the order's event stream; elsewhere read it (and poll with `eventually`).
  if (args.wait === 'push' && ctx.traits.includes('pushes-order-status')) {
    return ctx.api.watch('order-push', `/ordering/orders/${id}/events`, { token }, (e) => e.event !== 'status' || e.data?.status !== 'pending');
  }
  return ctx.api.send('order-status', 'GET', `/ordering/orders/${id}`, { token });
}

async function probeToken(ctx: RunContext, kind: string | undefined, user: UserState | undefined): Promise<string | undefined> {
  const subject = { id: user?.id ?? '00000000-0000-4000-8000-000000000000', email: user?.email ?? 'nobody@example.test' };
  switch (kind) {
    case 'none':
      return undefined;
    case 'garbage':
      return 'not-a-token';
    case 'forged':
      return new SignJWT({ userId: subject.id, email: subject.email }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(randomBytes(32));
    case 'alg-none':
      return new UnsecuredJWT({ userId: subject.id, email: subject.email }).setExpirationTime('1h').encode();
    case 'expired':
      if (!ctx.tokens) throw new Error('expired-token probes need the system to run inside orderctl');
      return ctx.tokens.issue(subject, -120);
    default:
      return user?.token;
  }
}

async function request(ctx: RunContext, args: { method: string; path: string; user?: string; token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Outcome> {
  const user = args.user ? userOf(ctx, args.user) : undefined;
  const token = await probeToken(ctx, args.token, user);
  const answer = await ctx.api.send('request', args.method, args.path, { token, body: args.body, raw: args.raw, headers: args.headers });
  // Bad input must change nothing; if money moved anyway, the ledger records it and money-conserved will say so.
  const moved = /^\/billing\/account\/(deposit|withdraw)$/.exec(args.path);
  if (moved && answer.status === 204 && user) {
    const amount = cents((args.body as { amount?: unknown } | undefined)?.amount);
    if (moved[1] === 'deposit') user.depositedCents += amount;
    else user.withdrawnCents += amount;
  }
  return answer;
}

async function crowd(parent: RunContext, args: { users: number; deposit: number; orders: number; prices: number[] }): Promise<Outcome> {
  const batch = ++parent.crowds;
  const ctx: RunContext = { ...parent, load: true };
  const answers: Record<number, number> = {};
  const problems: string[] = [];
  const expectStatus = async (what: string, outcome: Promise<Outcome>, wanted: number) => {
    const { status } = await outcome;
    if (status !== wanted) problems.push(`${what} answered ${status}`);
    return status === wanted;
  };
  await Promise.all(
    Array.from({ length: args.users }, async (_, i) => {
      const alias = `crowd${batch}-${i + 1}`;
      if (!(await expectStatus(`register ${alias}`, register(ctx, { user: alias }), 201))) return;
      if (!(await expectStatus(`login ${alias}`, login(ctx, { user: alias }), 200))) return;
      if (!(await expectStatus(`deposit for ${alias}`, move(ctx, 'deposit', { user: alias, amount: args.deposit }), 204))) return;
      await Promise.all(
        Array.from({ length: args.orders }, async (_, j) => {
          const { status } = await order(ctx, { user: alias, price: args.prices[(i + j) % args.prices.length] });
          answers[status] = (answers[status] ?? 0) + 1;
        }),
      );
    }),
  );
  const tally = Object.entries(answers).map(([status, n]) => `${n}× ${status}`).join(', ');
  return { status: 200, body: { users: args.users, orders: args.users * args.orders, answers }, problems: problems.slice(0, 5), summary: `${args.users * args.orders} orders answered ${tally}` };
}

/** What each action does, and how it is named for people. */
export const steps: Record<ActionName, { perform: Perform; title: (args: any) => string }> = {
  register: { perform: register, title: (a) => `register ${a.user}` },
  login: { perform: login, title: (a) => `log in as ${a.user}${a.password ? ' (with another password)' : ''}` },
  logout: { perform: (ctx, a) => ctx.api.send('logout', 'POST', '/identity/logout', { token: asUser(ctx, a.user).token }), title: (a) => `log out ${a.user}` },
  deposit: { perform: (ctx, a) => move(ctx, 'deposit', a), title: (a) => `deposit ${a.amount} for ${a.user}` },
  withdraw: { perform: (ctx, a) => move(ctx, 'withdraw', a), title: (a) => `withdraw ${a.amount} for ${a.user}` },
  order: { perform: order, title: (a) => `order for ${a.price} by ${a.user}${a.name ? ` (${a.name})` : ''}` },
  balance: { perform: read('balance', '/billing/account'), title: (a) => `balance of ${a.user}` },
  orders: { perform: read('orders', '/ordering/orders'), title: (a) => `orders of ${a.user}` },
  'order-status': { perform: orderStatus, title: (a) => `order ${a.order} of ${a.user}${a.wait === 'push' ? ' (by push where the style pushes)' : ''}` },
  notifications: { perform: read('notifications', '/notifications'), title: (a) => `notifications of ${a.user}` },
  request: {
    perform: request,
    title: (a) => `${a.method} ${a.path}${a.raw !== undefined ? ` raw ${JSON.stringify(a.raw).slice(0, 24)}` : a.body !== undefined ? ` ${JSON.stringify(a.body).slice(0, 32)}` : ''}${a.token ? ` (${a.token} token)` : a.user ? ` as ${a.user}` : ''}`,
  },
  crowd: { perform: crowd, title: (a) => `crowd: ${a.users} users × ${a.orders} orders at once` },
  check: { perform: (ctx, a) => checkInvariants(ctx, a), title: (a) => `check ${a.join(', ')}` },
};
