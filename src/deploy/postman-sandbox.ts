/*
 * Code that runs inside Postman's sandbox (newman's too): the exported collection carries the source of
 * these functions in its scripts. Each uses only its arguments, the others of this file, and the
 * sandbox's globals (pm, atob, setTimeout): no import, no binding of the module.
 * test/unit/deploy-postman.test.ts holds them to the scenario runner's own check() and judge().
 */

/** What the runner knows of a user, kept in the collection variable `orderctl.state`. */
export interface SandboxUser {
  email: string;
  password: string;
  id?: string;
  token?: string;
  depositedCents: number;
  withdrawnCents: number;
  movedKeys: string[];
}

/** One user's state as the API shows it, beside the money the collection saw go in and out. */
export interface SandboxSnapshot {
  alias: string;
  depositedCents: number;
  withdrawnCents: number;
  balanceCents: number;
  orders: { id: string; price: number; status: string; items?: unknown[]; history?: { status: string }[] }[];
  notifications: { orderId?: string }[];
}

/** What did not hold of an answer, key by key, as src/scenarios/expectations.ts check() says it (`waited-at-least` in ms). */
export function answerProblems(expectation: Record<string, unknown>, status: number, body: any, ms?: number): string[] {
  const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const matches = (actual: any, expected: any): boolean => {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return expected.some((option) => matches(actual, option));
      return expected.length === actual.length && expected.every((e, i) => matches(actual[i], e));
    }
    if (isObject(expected)) return isObject(actual) && Object.entries(expected).every(([k, v]) => matches(actual[k], v));
    return actual === expected;
  };
  const project = (actual: any, expected: any): any => (!isObject(expected) || !isObject(actual) ? actual : Object.fromEntries(Object.keys(expected).map((k) => [k, project(actual[k], expected[k])])));
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const problems: string[] = [];
  for (const [key, wanted] of Object.entries(expectation)) {
    if (wanted === undefined) continue;
    let actual: any;
    let ok: boolean;
    if (key === 'answers') {
      actual = Object.keys(body?.answers ?? {}).map(Number);
      ok = actual.every((a: number) => (wanted as number[]).includes(a));
    } else if (key === 'answer') {
      actual = status;
      ok = matches(status, wanted);
    } else if (key === 'count') {
      actual = Array.isArray(body) ? body.length : 'not a list';
      ok = actual === wanted;
    } else if (key === 'latest') {
      actual = Array.isArray(body) ? project(body[0], wanted) : undefined;
      ok = matches(actual, wanted);
    } else if (key === 'history') {
      actual = Array.isArray(body?.history) ? body.history.map((h: { status?: unknown } | undefined) => h?.status) : body?.history;
      const options = Array.isArray(wanted) && wanted.length > 0 && wanted.every(Array.isArray) ? wanted : [wanted];
      ok = options.some((option) => matches(actual, option));
    } else if (key === 'waited-at-least') {
      actual = ms === undefined ? 'no single answer to time' : `${Math.round(ms)}ms`;
      ok = ms !== undefined && ms >= (wanted as number);
    } else if (key === 'message') {
      actual = body?.message;
      ok = typeof actual === 'string' && actual.includes(String(wanted));
    } else {
      actual = project(body?.[key], wanted);
      ok = matches(actual, wanted);
    }
    if (!ok) problems.push(`${key}: expected ${show(wanted)}, got ${actual === undefined ? 'nothing' : show(actual)}`);
  }
  return problems;
}

/** What does not hold of the users' state, as src/scenarios/invariants.ts judge() says it (the invariants a collection can check). */
export function stateProblems(invariants: string[], users: SandboxSnapshot[]): string[] {
  const sagaStatuses = ['created', 'paid', 'reserved', 'delivering', 'done', 'cancelled'];
  const moves: Record<string, string[]> = { created: ['paid', 'cancelled'], paid: ['reserved', 'cancelled'], reserved: ['delivering', 'cancelled'], delivering: ['done', 'cancelled'], done: [], cancelled: [] };
  const isSaga = (o: SandboxSnapshot['orders'][number]) => (Array.isArray(o.items) && o.items.length > 0) || sagaStatuses.includes(o.status);
  const withCustomer = (o: SandboxSnapshot['orders'][number]) => o.status === 'delivering' || o.status === 'done';
  const isFinal = (o: SandboxSnapshot['orders'][number]) => (isSaga(o) ? ['done', 'cancelled'] : ['succeeded', 'failed']).includes(o.status);
  const cents = (amount: unknown) => (typeof amount === 'number' ? Math.round(amount * 100) : 0);
  const sum = <T>(list: T[], of: (t: T) => number) => list.reduce((n, t) => n + of(t), 0);
  const problems: string[] = [];
  const orders = users.flatMap((u) => u.orders);
  if (invariants.includes('money-conserved')) {
    const inflow = sum(users, (u) => u.depositedCents - u.withdrawnCents);
    const held = sum(users, (u) => u.balanceCents);
    const paid = sum(orders.filter((o) => (isSaga(o) ? withCustomer(o) : o.status === 'succeeded')), (o) => cents(o.price));
    if (inflow !== held + paid) problems.push(`money not conserved: in ${inflow / 100} ≠ balances ${held / 100} + orders ${paid / 100}`);
  }
  if (invariants.includes('orders-final')) {
    const open = orders.filter((o) => !isFinal(o));
    if (open.length) problems.push(`${open.length} order(s) not final (e.g. ${open[0].id} is ${open[0].status})`);
  }
  if (invariants.includes('sagas-final')) {
    for (const o of orders.filter(isSaga)) {
      if (!['done', 'cancelled', 'delivering'].includes(o.status)) problems.push(`saga order ${o.id} still under way (${o.status})`);
      const path = (o.history ?? []).map((h) => h?.status);
      const wrong = !path.length || path[0] !== 'created' || path.some((s, i) => i > 0 && !(moves[path[i - 1]] ?? []).includes(s)) || path[path.length - 1] !== o.status;
      if (wrong) problems.push(`${o.id}'s history ${path.join(' → ') || '(none)'} is not a path of the saga ending at ${o.status}`);
    }
  }
  if (invariants.includes('one-notification-per-order')) {
    for (const u of users) {
      const told = u.notifications.map((n) => n.orderId).filter(Boolean).sort();
      const final = u.orders.filter((o) => !isSaga(o) || isFinal(o)).map((o) => o.id).sort();
      if (told.join() !== final.join()) problems.push(`${u.alias}: ${told.length} notification(s) for ${final.length} final order(s)`);
    }
  }
  return problems;
}

/** A step as the collection carries it (the request's pre-request script sets it as the local variable `orderctl.step`). */
export interface SandboxStep {
  title: string;
  action: string;
  args: Record<string, any>;
  expect: Record<string, unknown>;
  eventuallyMs?: number;
}

/**
 * After each answer (the collection's test script): keeps what the scenario runner keeps (tokens, ids,
 * the money moved), then checks the step's expectation; a step with `eventually` that does not hold yet
 * is sent again until it holds or its time is up, and only its last answer is a test.
 */
export function afterResponse(pm: any): void {
  const step: SandboxStep = JSON.parse(pm.variables.get('orderctl.step'));
  const state: { users: Record<string, SandboxUser>; orders: Record<string, string> } = JSON.parse(pm.collectionVariables.get('orderctl.state'));
  const status: number = pm.response.code;
  let body: any;
  try {
    body = pm.response.text() ? pm.response.json() : undefined;
  } catch {
    body = pm.response.text();
  }
  const args = step.args;
  const user = state.users[args.user];
  const cents = (amount: unknown) => (typeof amount === 'number' ? Math.round(amount * 100) : 0);
  const moved = (kind: string, amount: unknown, key?: string) => {
    const repeat = key !== undefined && user.movedKeys.includes(`${kind} ${key}`);
    if (status === 204 && key !== undefined && !repeat) user.movedKeys.push(`${kind} ${key}`);
    if (status === 204 && !repeat) {
      if (kind === 'deposit') user.depositedCents += cents(amount);
      else user.withdrawnCents += cents(amount);
    }
  };

  const finish = (outcome: { status: number; body?: any; problems?: string[] }) => {
    const problems = [...answerProblems(step.expect, outcome.status, outcome.body, outcome.status === status ? pm.response.responseTime : undefined), ...(outcome.problems ?? [])];
    pm.collectionVariables.set('orderctl.state', JSON.stringify(state));
    const retry = JSON.parse(pm.collectionVariables.get('orderctl.retry') || 'null');
    const since = retry && retry.id === pm.info.requestId ? retry.since : Date.now();
    if (problems.length && step.eventuallyMs && Date.now() - since < step.eventuallyMs) {
      pm.collectionVariables.set('orderctl.retry', JSON.stringify({ id: pm.info.requestId, since }));
      pm.execution.setNextRequest(pm.info.requestId);
      setTimeout(() => {}, 100);
      return;
    }
    pm.collectionVariables.set('orderctl.retry', 'null');
    pm.test(step.title, () => {
      if (problems.length) throw new Error(problems.join('; '));
    });
  };

  if (step.action === 'register') {
    if (args.password) (user.password = args.password), pm.collectionVariables.set(`${args.user}.password`, args.password);
    if (status === 201) user.id = body.id;
  } else if (step.action === 'login' && status === 200) {
    user.token = body.accessToken;
    pm.collectionVariables.set(`${args.user}.token`, user.token);
    const payload = String(user.token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    user.id ??= JSON.parse(atob(payload + '='.repeat((4 - (payload.length % 4)) % 4))).userId;
  } else if (step.action === 'deposit' || step.action === 'withdraw') moved(step.action, args.amount, args.key);
  else if (step.action === 'request' && args.moves && user) moved(args.moves, args.amount);
  else if (step.action === 'order') {
    const id = body?.id ?? body?.order?.id;
    if (args.name && id) (state.orders[args.name] = id), pm.collectionVariables.set(`order.${args.name}`, id);
  } else if (step.action === 'stock') {
    if (status !== 200 || !Array.isArray(body)) return finish({ status, body });
    const item = body.find((i: { sku?: unknown }) => i?.sku === args.sku);
    return finish(item ? { status: 200, body: item } : { status: 404, body: { message: `the catalog has no item ${args.sku}` } });
  } else if (step.action === 'check') {
    const base = pm.variables.replaceIn('{{baseUrl}}');
    const aliases = Object.keys(state.users).filter((alias) => state.users[alias].id);
    const snapshots: SandboxSnapshot[] = [];
    const problems: string[] = [];
    const read = (i: number): void => {
      if (i === aliases.length) return finish({ status: 200, body: { users: aliases.length }, problems: [...problems, ...stateProblems(args.invariants, snapshots)] });
      const u = state.users[aliases[i]];
      if (!u.token) return problems.push(`${aliases[i]} has no token (never logged in)`), read(i + 1);
      const got: Record<string, any> = {};
      const paths = { balance: '/billing/account', orders: '/ordering/orders', notifications: '/notifications' };
      let left = 3;
      for (const [what, path] of Object.entries(paths)) {
        pm.sendRequest({ url: `${base}/api/v1${path}`, method: 'GET', header: { authorization: `Bearer ${u.token}` } }, (error: unknown, response: any) => {
          got[what] = error || response.code !== 200 ? undefined : response.json();
          if (--left > 0) return;
          if (!got.balance || !got.orders || !got.notifications) problems.push(`${aliases[i]}: reading state failed`);
          else snapshots.push({ alias: aliases[i], depositedCents: u.depositedCents, withdrawnCents: u.withdrawnCents, balanceCents: cents(got.balance.amount), orders: got.orders, notifications: got.notifications });
          read(i + 1);
        });
      }
    };
    return read(0);
  }
  finish({ status, body });
}

/**
 * Before a scenario's first request (its folder's pre-request script, run once per scenario): a fresh run
 * id, and each user's e-mail and password as the runner makes them (`alice.<run>@example.test`).
 */
export function startScenario(pm: any, scenario: string, aliases: string[]): void {
  if (pm.collectionVariables.get('orderctl.scenario') === scenario) return;
  const run = Math.random().toString(16).slice(2, 10);
  const users: Record<string, SandboxUser> = {};
  for (const alias of aliases) {
    users[alias] = { email: `${alias}.${run}@example.test`, password: `pw-${alias}-secret`, depositedCents: 0, withdrawnCents: 0, movedKeys: [] };
    pm.collectionVariables.set(`${alias}.email`, users[alias].email);
    pm.collectionVariables.set(`${alias}.password`, users[alias].password);
    pm.collectionVariables.set(`${alias}.token`, '');
  }
  pm.collectionVariables.set('orderctl.scenario', scenario);
  pm.collectionVariables.set('orderctl.state', JSON.stringify({ users, orders: {} }));
}
