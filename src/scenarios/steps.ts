import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import type { FaultArgs } from '../faults/fault-run.js';
import { FAULT_ACTIONS, faultTitle } from '../faults/fault-steps.js';
import { parseDuration, sleep } from '../core/duration.js';
import { checkInvariants } from './invariants.js';
import { cents, onSystem, userOf, type Outcome, type RunContext, type UserState } from './run-context.js';
import { DEFAULT_ADDRESS, type ActionName, type Address, type OrderLine, type Setup, type Step } from './scenario-schema.js';

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
  if (answer.status === 200) {
    user.token = answer.body.accessToken;
    // A registration whose answer was lost (a crash) may still have made the user: logging in says who they are.
    user.id ??= decodeJwt(user.token!).userId as string | undefined;
  }
  return answer;
}

async function move(ctx: RunContext, kind: 'deposit' | 'withdraw', args: { user: string; amount: number; 'idempotency-key'?: string }): Promise<Outcome> {
  const user = asUser(ctx, args.user);
  const key = args['idempotency-key'];
  const answer = await ctx.api.send(kindOf(ctx, kind), 'POST', `/billing/account/${kind}`, { token: user.token, body: { amount: args.amount }, headers: key ? { 'idempotency-key': key } : undefined });
  // A repeat of a key answered 204 before moved no money again: counted once.
  const repeat = key !== undefined && user.movedKeys.has(`${kind} ${key}`);
  if (answer.status === 204 && key !== undefined) user.movedKeys.add(`${kind} ${key}`);
  if (answer.status === 204 && !repeat) {
    if (kind === 'deposit') user.depositedCents += cents(args.amount);
    else user.withdrawnCents += cents(args.amount);
  }
  return answer;
}

async function order(ctx: RunContext, args: { user: string; price: number; name?: string; items?: OrderLine[]; address?: Address; 'idempotency-key'?: string }): Promise<Outcome> {
  const user = asUser(ctx, args.user);
  const key = args['idempotency-key'];
  const body: Record<string, unknown> = { price: args.price };
  // The saga's order: items and the address under the names this run gave the scenario's own items and cities.
  if (args.items) body.items = args.items.map((l) => ({ sku: onSystem(ctx, l.sku), quantity: l.quantity }));
  if (args.address) body.address = { city: onSystem(ctx, args.address.city), street: args.address.street };
  const answer = await ctx.api.send(kindOf(ctx, 'order'), 'POST', '/ordering/orders', {
    token: user.token,
    body,
    headers: key ? { 'idempotency-key': key } : undefined,
  });
  const id = answer.body?.id ?? answer.body?.order?.id;
  if (args.name && id) ctx.orders.set(args.name, id);
  return answer;
}

const orderId = (ctx: RunContext, name: string) => {
  const id = ctx.orders.get(name);
  if (!id) throw new Error(`no order named "${name}" was placed earlier in this scenario`);
  return id;
};

/** The customer cancels an order: 202 with the order as it stands; it ends cancelled, with what was done undone. */
const cancel = (ctx: RunContext, args: { user: string; order: string }) =>
  ctx.api.send('cancel', 'POST', `/ordering/orders/${orderId(ctx, args.order)}/cancel`, { token: asUser(ctx, args.user).token });

/** The customer says the goods arrived: 204, then the order is done. */
const received = (ctx: RunContext, args: { user: string; order: string }) =>
  ctx.api.send('received', 'POST', `/delivery/orders/${orderId(ctx, args.order)}/received`, { token: asUser(ctx, args.user).token });

/** One item of the catalog as `GET /stock/items` shows it (no token needed), or a 404 naming it when the catalog has no such item. */
async function stock(ctx: RunContext, sku: string): Promise<Outcome> {
  const answer = await ctx.api.send('stock', 'GET', '/stock/items');
  if (answer.status !== 200 || !Array.isArray(answer.body)) return answer;
  const item = answer.body.find((i: { sku?: unknown }) => i?.sku === onSystem(ctx, sku));
  return item ? { status: 200, body: item } : { status: 404, body: { message: `the catalog has no item ${onSystem(ctx, sku)}` } };
}

/** A POST to a service's internal API (not the gateway): how the `setup` step loads a scenario's own items and zones. */
async function internal(ctx: RunContext, service: 'stock' | 'delivery', path: string, body: unknown): Promise<{ status: number; text: string }> {
  const base = ctx.urls?.[service];
  if (!base) throw new Error(`this scenario loads its own items and zones through ${service}'s internal API, which only a system orderctl runs offers`);
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...ctx.operatorHeaders?.(service) }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  return { status: response.status, text: await response.text() };
}

/**
 * Loads the scenario's own catalog and zones under names unique to this run (`last-lamp` becomes
 * `last-lamp-<run>`), so that scenarios running at once on one system never take each other's items
 * or couriers; every later step sends the system's names and reads the answers back in the file's.
 */
async function setup(ctx: RunContext, args: Setup): Promise<Outcome> {
  ctx.setups = (ctx.setups ?? 0) + 1;
  const suffix = ctx.setups === 1 ? ctx.runId : `${ctx.runId}-${ctx.setups}`;
  ctx.names ??= new Map();
  ctx.catalog = new Map();
  for (const item of args.catalog) {
    ctx.names.set(item.sku, `${item.sku}-${suffix}`);
    ctx.catalog.set(item.sku, { sku: `${item.sku}-${suffix}`, initial: item.available });
  }
  for (const zone of args.zones) ctx.names.set(zone.city, `${zone.city}-${suffix}`);
  const problems: string[] = [];
  if (args.catalog.length) {
    const items = args.catalog.map((i) => ({ sku: onSystem(ctx, i.sku), name: i.name ?? i.sku, available: i.available }));
    const loaded = await internal(ctx, 'stock', '/items', items);
    if (loaded.status !== 201) problems.push(`stock did not take the catalog: POST /items answered ${loaded.status} ${loaded.text.slice(0, 200)}`);
  }
  for (const zone of args.zones) {
    const loaded = await internal(ctx, 'delivery', '/zones', { city: onSystem(ctx, zone.city), couriers: zone.couriers });
    if (loaded.status !== 201) problems.push(`delivery did not take the zone ${zone.city}: POST /zones answered ${loaded.status} ${loaded.text.slice(0, 200)}`);
  }
  const said = [
    args.catalog.length ? `items ${args.catalog.map((i) => `${i.sku} ×${i.available}`).join(', ')}` : '',
    args.zones.length ? `zones ${args.zones.map((z) => `${z.city} (${z.couriers} courier${z.couriers === 1 ? '' : 's'})`).join(', ')}` : '',
  ].filter(Boolean);
  return { status: problems.length ? 500 : 201, problems, summary: `loaded ${said.join('; ')}` };
}

const read = (kind: string, path: string) => (ctx: RunContext, args: { user: string }) =>
  ctx.api.send(kind, 'GET', path, { token: asUser(ctx, args.user).token });

/** Statuses after which an order waits on nothing but the customer: a plain order's pending, the saga's steps under way, are not. */
const UNDER_WAY = new Set(['pending', 'created', 'paid', 'reserved']);

async function orderStatus(ctx: RunContext, args: { user: string; order: string; wait?: 'push' }): Promise<Outcome> {
  const id = orderId(ctx, args.order);
  const token = asUser(ctx, args.user).token;
  // Where the style pushes, wait for the final status on the order's event stream; elsewhere read it (and poll with `eventually`).
  if (args.wait === 'push' && ctx.traits.includes('pushes-order-status')) {
    return ctx.api.watch('order-push', `/ordering/orders/${id}/events`, { token }, (e) => e.event !== 'status' || !UNDER_WAY.has(e.data?.status));
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
  const answeredAgain: Record<number, number> = {};
  await Promise.all(
    Array.from({ length: args.users }, async (_, i) => {
      const alias = `crowd${batch}-${i + 1}`;
      if (!(await newCustomer(ctx, alias, args.deposit, problems))) return;
      await Promise.all(
        Array.from({ length: args.orders }, async (_, j) => {
          // As a real client: each order with a key of its own, asked again with it after "not now" (a gateway timeout on a busy machine).
          const key = randomUUID();
          for (let tries = 1; ; tries++) {
            const { status } = await order(ctx, { user: alias, price: args.prices[(i + j) % args.prices.length], 'idempotency-key': key });
            // The first answer is the style's (what `answers` expects); one asked again is answered from where the order stands then (settled: 201 / 422), counted apart.
            if (tries === 1 && !notNow(status)) answers[status] = (answers[status] ?? 0) + 1;
            else if (!notNow(status)) return void (answeredAgain[status] = (answeredAgain[status] ?? 0) + 1);
            else if (tries >= SETUP_TRIES) answers[status] = (answers[status] ?? 0) + 1;
            if (!notNow(status) || tries >= SETUP_TRIES) return;
            await sleep(Math.min(2_000, 25 * 2 ** tries));
          }
        }),
      );
    }),
  );
  const tally = (counts: Record<number, number>) => Object.entries(counts).map(([status, n]) => `${n}× ${status}`).join(', ');
  const again = Object.keys(answeredAgain).length ? `; asked again with their key after 502/503/504: ${tally(answeredAgain)}` : '';
  return { status: 200, body: { users: args.users, orders: args.users * args.orders, answers, answeredAgain }, problems: problems.slice(0, 5), summary: `${args.users * args.orders} orders answered ${tally(answers)}${again}` };
}

/** How often a new customer of a crowd asks again after an answer that says "not now" (502, 503, 504; a deposit: "no account yet", 404). */
const SETUP_TRIES = 12;
const notNow = (status: number) => status === 502 || status === 503 || status === 504;

/**
 * Registers, logs in and pays in for a new customer of a crowd or race, as a real client would: an
 * answer that says "not now" (a gateway timeout while a crowd's passwords are hashed on a busy
 * machine, a service restarting after a crash) is asked again, a few times with backoff; a
 * registration asked again that finds its user made (409) was made. The orders that follow are what
 * the crowd measures. What went wrong, if anything, goes to `problems`.
 */
async function newCustomer(ctx: RunContext, alias: string, deposit: number, problems: string[]): Promise<boolean> {
  const attempt = async (what: string, call: () => Promise<Outcome>, ok: (status: number, tries: number) => boolean, again: (status: number) => boolean) => {
    for (let tries = 1; ; tries++) {
      const { status } = await call();
      if (ok(status, tries)) return true;
      if (!again(status) || tries >= SETUP_TRIES) {
        problems.push(`${what} answered ${status}`);
        return false;
      }
      await sleep(Math.min(2_000, 25 * 2 ** tries));
    }
  };
  return (
    (await attempt(`register ${alias}`, () => register(ctx, { user: alias }), (s, tries) => s === 201 || (s === 409 && tries > 1), notNow)) &&
    (await attempt(`login ${alias}`, () => login(ctx, { user: alias }), (s) => s === 200, notNow)) &&
    // Where an account is opened by an event it may not exist yet: pay in once it does (a 404 moved no money; a 5xx may have, so it is not asked again).
    (await attempt(`deposit for ${alias}`, () => move(ctx, 'deposit', { user: alias, amount: deposit }), (s) => s === 204, (s) => s === 404))
  );
}

/**
 * Many new customers order the same item at the same instant (each pays in first, then every order
 * leaves at once); then each order is followed until it got the item (delivering or done) or lost it
 * (cancelled, with its reason). `won` + `lost` = `users` unless an order was still under way `within`.
 */
async function race(parent: RunContext, args: { users: number; sku: string; quantity: number; deposit: number; price: number; address?: Address; within?: string | number }): Promise<Outcome> {
  const batch = ++parent.crowds;
  const ctx: RunContext = { ...parent, load: true };
  const problems: string[] = [];
  const aliases = Array.from({ length: args.users }, (_, i) => `race${batch}-${i + 1}`);
  const ready = (await Promise.all(aliases.map(async (alias) => ((await newCustomer(ctx, alias, args.deposit, problems)) ? alias : undefined)))).filter((a): a is string => a !== undefined);

  const answers: Record<number, number> = {};
  const address = args.address ?? DEFAULT_ADDRESS;
  const placed = await Promise.all(
    ready.map(async (alias) => {
      const answer = await order(ctx, { user: alias, price: args.price, items: [{ sku: args.sku, quantity: args.quantity }], address });
      answers[answer.status] = (answers[answer.status] ?? 0) + 1;
      return { alias, answer };
    }),
  );

  const deadline = performance.now() + parseDuration(args.within ?? '15s');
  const ends = await Promise.all(
    placed.map(async ({ alias, answer }): Promise<{ status: string; reason?: string }> => {
      let current = answer.body?.order ?? answer.body;
      const id = current?.id;
      if (!id) return { status: `no order (answered ${answer.status})` };
      const token = userOf(ctx, alias).token;
      while (UNDER_WAY.has(current?.status) && performance.now() < deadline) {
        await sleep(50);
        const read = await ctx.api.send('crowd order-status', 'GET', `/ordering/orders/${id}`, { token });
        if (read.status === 200) current = read.body;
      }
      return { status: String(current?.status), reason: current?.reason ?? answer.body?.message };
    }),
  );

  const won = ends.filter((e) => e.status === 'delivering' || e.status === 'done').length;
  const lostOnes = ends.filter((e) => e.status === 'cancelled');
  const reasons: Record<string, number> = {};
  for (const e of lostOnes) reasons[e.reason ?? 'no reason given'] = (reasons[e.reason ?? 'no reason given'] ?? 0) + 1;
  const undecided = ends.filter((e) => e.status !== 'delivering' && e.status !== 'done' && e.status !== 'cancelled');
  if (undecided.length) problems.push(`${undecided.length} order(s) neither got nor lost ${args.sku} within ${args.within ?? '15s'} (e.g. ${undecided[0].status})`);
  const tally = Object.entries(reasons).map(([reason, n]) => `${n}× ${reason}`).join(', ');
  return {
    status: 200,
    body: { users: args.users, won, lost: lostOnes.length, answers, reasons },
    problems: problems.slice(0, 5),
    summary: `${args.users} customers raced for ${args.sku}: ${won} got it, ${lostOnes.length} did not${tally ? ` (${tally})` : ''}`,
  };
}

/** The recovery pass now, for everything however recent: what it did, in counts. */
async function recover(ctx: RunContext): Promise<Outcome> {
  if (!ctx.recovery) throw new Error('recover: now needs a system orderctl runs (it runs the recovery pass inside its services)');
  const counts = await ctx.recovery.run({ graceMs: 0 });
  const did = Object.entries(counts).filter(([, n]) => n > 0).map(([what, n]) => `${what} ${n}`);
  return { status: 200, body: counts, summary: `recovery pass: ${did.join(', ') || 'nothing to do'}` };
}

/** A fault step: put on or taken off through the system the scenario runs on. */
async function fault(ctx: RunContext, args: FaultArgs): Promise<Outcome> {
  if (!ctx.faults) throw new Error('fault steps need a system orderctl runs (they reach into its services and broker)');
  return ctx.faults.perform(args);
}

const faultSteps = Object.fromEntries(FAULT_ACTIONS.map((name) => [name, { perform: fault, title: (a: FaultArgs) => faultTitle(a.action, a.lasting) }])) as Record<(typeof FAULT_ACTIONS)[number], { perform: Perform; title: (args: any) => string }>;

/** What each action does, and how it is named for people. */
export const steps: Record<ActionName, { perform: Perform; title: (args: any) => string }> = {
  register: { perform: register, title: (a) => `register ${a.user}` },
  login: { perform: login, title: (a) => `log in as ${a.user}${a.password ? ' (with another password)' : ''}` },
  logout: { perform: (ctx, a) => ctx.api.send('logout', 'POST', '/identity/logout', { token: asUser(ctx, a.user).token }), title: (a) => `log out ${a.user}` },
  deposit: { perform: (ctx, a) => move(ctx, 'deposit', a), title: (a) => `deposit ${a.amount} for ${a.user}` },
  withdraw: { perform: (ctx, a) => move(ctx, 'withdraw', a), title: (a) => `withdraw ${a.amount} for ${a.user}` },
  order: {
    perform: order,
    title: (a) =>
      `order for ${a.price} by ${a.user}${a.items ? `: ${a.items.map((l: OrderLine) => `${l.quantity} ${l.sku}`).join(', ')}${a.address ? ` to ${a.address.city}` : ''}` : ''}${a.name ? ` (${a.name})` : ''}`,
  },
  balance: { perform: read('balance', '/billing/account'), title: (a) => `balance of ${a.user}` },
  orders: { perform: read('orders', '/ordering/orders'), title: (a) => `orders of ${a.user}` },
  'order-status': { perform: orderStatus, title: (a) => `order ${a.order} of ${a.user}${a.wait === 'push' ? ' (by push where the style pushes)' : ''}` },
  cancel: { perform: cancel, title: (a) => `${a.user} cancels ${a.order}` },
  received: { perform: received, title: (a) => `${a.user} confirms ${a.order} arrived` },
  stock: { perform: stock, title: (sku) => `stock of ${sku}` },
  notifications: { perform: read('notifications', '/notifications'), title: (a) => `notifications of ${a.user}` },
  request: {
    perform: request,
    title: (a) => `${a.method} ${a.path}${a.raw !== undefined ? ` raw ${JSON.stringify(a.raw).slice(0, 24)}` : a.body !== undefined ? ` ${JSON.stringify(a.body).slice(0, 32)}` : ''}${a.token ? ` (${a.token} token)` : a.user ? ` as ${a.user}` : ''}`,
  },
  crowd: { perform: crowd, title: (a) => `crowd: ${a.users} users × ${a.orders} orders at once` },
  race: { perform: race, title: (a) => `race: ${a.users} customers for ${a.quantity} ${a.sku} each, at once` },
  setup: { perform: setup, title: (a: Setup) => `set up the scenario's own ${[a.catalog.length ? 'items' : '', a.zones.length ? 'zones' : ''].filter(Boolean).join(' and ')}` },
  check: { perform: (ctx, a) => checkInvariants(ctx, a), title: (a) => `check ${a.join(', ')}` },
  together: {
    perform: async () => {
      throw new Error('a together step is run by the runner, each part as a step of its own');
    },
    title: (parts: Step[]) => `at once: ${parts.map((p) => steps[p.action].title(p.args)).join(' | ')}`,
  },
  recover: { perform: recover, title: () => 'run the recovery pass now' },
  ...faultSteps,
};
