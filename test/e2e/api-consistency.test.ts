import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { answersOrdersLater, TRAITS } from '../../src/variants/variant.js';

/** The style every other is compared with: all REST. */
const allRest = variants.find(TRAITS['all-rest'])!;

/** One answer of the gateway, as the comparison needs it. */
interface Seen {
  status: number;
  body: any;
  location: string | null;
}

/** The error name each status must carry, written out here rather than taken from the code under test. */
const ERROR_NAMES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  502: 'UPSTREAM_FAILED',
  503: 'SERVICE_UNAVAILABLE',
  504: 'UPSTREAM_TIMEOUT',
};

/** The fields of a body, nested, without the values: `{id,price,status}`, `[{...}]` for a list. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [...new Set(value.map((v) => JSON.stringify(shape(v))))].map((s) => JSON.parse(s));
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as any)[k])]));
  return typeof value;
}

/** The same requests, in the same order, against one running system: every answer by name. */
async function walkThrough(system: RunningSystem): Promise<Record<string, Seen>> {
  const seen: Record<string, Seen> = {};
  const base = `${system.gatewayUrl}/api/v1`;
  const ask = async (name: string, method: string, path: string, options: { token?: string; body?: unknown; raw?: string; type?: string | null } = {}) => {
    const headers: Record<string, string> = {};
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined && options.type !== null) headers['content-type'] = options.type ?? 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(base + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the shape check will show it
    }
    seen[name] = { status: response.status, body: parsed, location: response.headers.get('location') };
    return parsed as any;
  };
  const form = { email: 'ann@example.test', password: 'ann-password' };
  await ask('health', 'GET', '/health');
  await ask('register', 'POST', '/identity/register', { body: { ...form, firstName: 'Ann' } });
  await ask('register taken', 'POST', '/identity/register', { body: form });
  await ask('register bad e-mail', 'POST', '/identity/register', { body: { email: 'nope', password: 'long-enough' } });
  await ask('register long password', 'POST', '/identity/register', { body: { email: 'bob@example.test', password: 'x'.repeat(129) } });
  let token = (await ask('login', 'POST', '/identity/login', { body: form })).accessToken;
  await ask('login wrong password', 'POST', '/identity/login', { body: { ...form, password: 'wrong-password' } });
  await system.settle();
  await ask('account', 'GET', '/billing/account', { token });
  await ask('profile', 'GET', '/identity/profile', { token });
  await ask('profile update', 'PUT', '/identity/profile', { token, body: { lastName: 'Smith' } });
  await ask('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } });
  await ask('withdraw', 'POST', '/billing/account/withdraw', { token, body: { amount: 10 } });
  await ask('withdraw too much', 'POST', '/billing/account/withdraw', { token, body: { amount: 1000 } });
  const order = await ask('order', 'POST', '/ordering/orders', { token, body: { price: 60 } });
  await system.settle();
  await ask('order status', 'GET', `/ordering/orders/${order.id}`, { token });
  const declined = await ask('order declined', 'POST', '/ordering/orders', { token, body: { price: 500 } });
  await system.settle();
  await ask('order status declined', 'GET', `/ordering/orders/${declined.order?.id ?? declined.id}`, { token });
  await ask('orders', 'GET', '/ordering/orders', { token });
  await ask('notifications', 'GET', '/notifications', { token });
  await ask('no token', 'GET', '/billing/account');
  await ask('bad token', 'GET', '/billing/account', { token: 'garbage' });
  await ask('unknown path', 'GET', '/no/such/thing', { token });
  await ask('unknown order', 'GET', `/ordering/orders/${randomUUID()}`, { token });
  await ask('wrong method', 'DELETE', '/billing/account', { token });
  await ask('body too large', 'POST', '/billing/account/deposit', { token, raw: JSON.stringify({ amount: 1, pad: 'x'.repeat(70_000) }) });
  await ask('body not declared JSON', 'POST', '/billing/account/deposit', { token, raw: '{"amount": 1}', type: 'text/plain' });
  await ask('body without type', 'POST', '/billing/account/deposit', { token, raw: '{"amount": 1}', type: null });
  await ask('body not JSON', 'POST', '/billing/account/deposit', { token, raw: '{"amount": ' });
  await ask('no body', 'POST', '/billing/account/deposit', { token });
  await ask('amount not money', 'POST', '/billing/account/deposit', { token, body: { amount: '5' } });
  await ask('logout', 'POST', '/identity/logout', { token });
  await ask('logged out', 'GET', '/billing/account', { token });
  token = (await ask('login again', 'POST', '/identity/login', { body: form })).accessToken;
  await system.stopService('billing');
  try {
    await ask('health, billing down', 'GET', '/health');
    await ask('account, billing down', 'GET', '/billing/account', { token });
    await ask('withdraw, billing down', 'POST', '/billing/account/withdraw', { token, body: { amount: 5000 } });
  } finally {
    await system.startService('billing');
  }
  await system.settle();
  return seen;
}

/** Where hybrid answers otherwise, by design: orders are accepted (202) and polled. */
/** A style that answers orders later accepts them, declined or not, with 202. */
const LATER_STATUS: Record<string, number> = { order: 202, 'order declined': 202 };
/** Answers whose status tells the style apart: a REST call fails at once (502), a command over the broker times out (504). */
const BY_STYLE = new Set(['withdraw, billing down']);

describe('the public API is the same in every style', () => {
  const answers: Record<string, Record<string, Seen>> = {};
  beforeAll(async () => {
    for (const variant of variants) {
      const system = await bootSystem({ variant, commandTimeoutMs: 1_000 });
      try {
        answers[variant.name] = await walkThrough(system);
      } finally {
        await system.close();
      }
    }
  }, 120_000);

  test('every answer has the same fields in every style', () => {
    // A style that answers orders later accepts a declined order (202 pending) where the others answer 422: its order status shows the outcome instead.
    const later = (name: string) => answersOrdersLater(variants.find((v) => v.name === name)!);
    const fields = (name: string) =>
      Object.fromEntries(Object.entries(answers[name]).filter(([what]) => !(later(name) && what === 'order declined')).map(([what, s]) => [what, shape(s.body)]));
    const reference = fields(allRest.name);
    for (const variant of variants) {
      const mine = fields(variant.name);
      expect(mine, variant.name).toEqual(Object.fromEntries(Object.entries(reference).filter(([what]) => what in mine)));
    }
  });

  test('every answer has the same status in every style (but a style that answers orders later accepts them with 202)', () => {
    const statuses = (name: string) => Object.fromEntries(Object.entries(answers[name]).filter(([what]) => !BY_STYLE.has(what)).map(([what, s]) => [what, s.status]));
    const reference = statuses(allRest.name);
    expect(reference).toMatchObject({ health: 200, register: 201, order: 201, 'order declined': 422, 'body too large': 413, 'body not declared JSON': 415, 'wrong method': 405, 'health, billing down': 503 });
    for (const variant of variants) expect(statuses(variant.name), variant.name).toEqual({ ...reference, ...(answersOrdersLater(variant) ? LATER_STATUS : {}) });
    expect(answers.http['withdraw, billing down'].status).toBe(502);
    expect(answers['event-collaboration']['withdraw, billing down'].status).toBe(504);
  });

  test('every error answer is {code, error, message}, code the status, error its name, message a sentence', () => {
    for (const variant of variants) {
      for (const [what, { status, body }] of Object.entries(answers[variant.name])) {
        if (status < 400) continue;
        const where = `${variant.name}: ${what}`;
        expect(body, where).toMatchObject({ code: status, error: ERROR_NAMES[status] });
        expect(typeof body.message, where).toBe('string');
        expect(body.message.length, where).toBeGreaterThan(8);
      }
    }
  });

  test('messages say what is wrong: a long password is too long, a body must be sent as JSON', () => {
    for (const variant of variants) {
      const seen = answers[variant.name];
      expect(seen['register long password'].body.message).toContain('password: must be at most 128 characters');
      expect(seen['body not declared JSON'].body.message).toContain('send the body as JSON with Content-Type: application/json');
      expect(seen['body without type'].status).toBe(415);
      expect(seen['no body'].body.message).toContain('send the body as JSON with Content-Type: application/json');
      expect(seen['amount not money'].body.message).toBe('invalid body: amount: must be a number');
    }
  });

  test('201 and 202 answers say where the resource is (Location)', () => {
    for (const variant of variants) {
      const seen = answers[variant.name];
      for (const [what, s] of Object.entries(seen)) if (s.status === 201 || s.status === 202) expect(s.location, `${variant.name}: ${what}`).toBeTruthy();
      expect(seen.register.location).toBe('/api/v1/identity/profile');
      expect(seen.order.location).toBe(`/api/v1/ordering/orders/${seen.order.body.id}`);
      // The place a client polls answers with that very order.
      expect(seen['order status'].body.id).toBe(seen.order.body.id);
    }
  });

  test('health: 200 ok with every service, or 503 naming the one that is down', () => {
    for (const variant of variants) {
      const seen = answers[variant.name];
      expect(seen.health.body).toMatchObject({ status: 'ok', services: { identity: 'ok', billing: 'ok', order: 'ok', notification: 'ok' } });
      expect(seen['health, billing down'].body).toMatchObject({ status: 'degraded', services: { billing: 'down', identity: 'ok' }, message: 'billing is down' });
    }
  });
});
