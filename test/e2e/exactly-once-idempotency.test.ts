import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { findVariant, variants } from '../../src/variants/index.js';
import { eventually } from '../support/eventually.js';
import { transports } from '../support/transports.js';

const REUSED = /^Idempotency-Key "[^"]+" was already used for a different request/;

/** A registered, logged-in customer of `system` with `amount` deposited. */
async function customer(system: RunningSystem, name: string, amount: number) {
  const api = new ApiClient(system.gatewayUrl);
  const form = { email: `${name}@example.test`, password: `${name}-password` };
  expect((await api.send('register', 'POST', '/identity/register', { body: form })).status).toBe(201);
  const token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken as string;
  await eventually('the account opened', async () => (await api.send('balance', 'GET', '/billing/account', { token })).status, (status) => status === 200);
  if (amount) expect((await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount } })).status).toBe(204);
  const send = (kind: string, method: string, path: string, body?: unknown, key?: string) =>
    api.send(kind, method, path, { token, body, headers: key ? { 'idempotency-key': key } : {} });
  return {
    deposit: (amount: number, key?: string) => send('deposit', 'POST', '/billing/account/deposit', { amount }, key),
    withdraw: (amount: number, key?: string) => send('withdraw', 'POST', '/billing/account/withdraw', { amount }, key),
    order: (price: number, key?: string) => send('order', 'POST', '/ordering/orders', { price }, key),
    balance: async () => (await send('balance', 'GET', '/billing/account')).body.amount as number,
    orders: async () => (await send('orders', 'GET', '/ordering/orders')).body as { id: string; price: number; status: string }[],
  };
}

describe.each(variants.map((v) => [v.name, v] as const))('Idempotency-Key on deposit, withdraw and order in %s', (_name, variant) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant });
  });
  afterAll(() => system.close());

  test('a repeated deposit or withdrawal with its key is applied once and answered as the first time', async () => {
    const c = await customer(system, 'keys', 0);
    expect((await c.deposit(5, 'd-1')).status).toBe(204);
    expect((await c.deposit(5, 'd-1')).status).toBe(204);
    expect(await c.balance()).toBe(5);
    const refused = await c.withdraw(50, 'w-1');
    expect(refused.status).toBe(422);
    expect(refused.body.message).toBe('not enough money');
    expect((await c.deposit(100, 'd-2')).status).toBe(204);
    // The stored outcome is the answer, even though the money is there now.
    const again = await c.withdraw(50, 'w-1');
    expect([again.status, again.body.message]).toEqual([422, 'not enough money']);
    expect((await c.withdraw(30, 'w-2')).status).toBe(204);
    expect((await c.withdraw(30, 'w-2')).status).toBe(204);
    expect(await c.balance()).toBe(75);
  });

  test('one key with another body is a 422 that changes nothing, on every endpoint that takes a key', async () => {
    const c = await customer(system, 'reuse', 100);
    expect((await c.deposit(5, 'k-1')).status).toBe(204);
    for (const answer of [await c.deposit(6, 'k-1'), await c.withdraw(5, 'k-1')]) {
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 422, error: 'UNPROCESSABLE' });
      expect(answer.body.message).toMatch(REUSED);
    }
    expect(await c.balance()).toBe(105);
    expect([201, 202]).toContain((await c.order(10, 'o-1')).status);
    const reused = await c.order(11, 'o-1');
    expect(reused.status).toBe(422);
    expect(reused.body.message).toMatch(REUSED);
    expect((await c.orders()).map((o) => o.price)).toEqual([10]);
  });

  test('a key that is not printable ASCII (UTF-8 bytes in a header) is a 400 naming the rule, and changes nothing', async () => {
    const c = await customer(system, 'utf8', 10);
    const answer = await c.deposit(5, Buffer.from('clé-1', 'utf8').toString('latin1'));
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('Idempotency-Key header');
    expect(answer.body.message).toContain('printable ASCII');
    expect(await c.balance()).toBe(10);
  });
});

describe('a client retry after a 504 on event-collaboration', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant: findVariant('event-collaboration'), commandTimeoutMs: 400 });
  });
  afterAll(() => system.close());

  test('a deposit retried with its key while billing is down is applied once when billing is back', async () => {
    const c = await customer(system, 'late', 10);
    await system.stopService('billing');
    expect((await c.deposit(7, 'late-1')).status).toBe(504);
    expect((await c.deposit(7, 'late-1')).status).toBe(504);
    await system.startService('billing');
    expect(await system.settle(120_000)).toBe(true);
    expect(await c.balance()).toBe(17);
    expect((await c.deposit(7, 'late-1')).status).toBe(204);
    expect(await c.balance()).toBe(17);
  });
});

const eventStyles = ['event-notification', 'event-collaboration'];
describe.each(transports.flatMap((t) => eventStyles.map((v) => [v, t.name, t] as const)))('one Idempotency-Key sent ten times at once: %s on the %s', (name, _t, { make }) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant: findVariant(name), transport: await make(), commandTimeoutMs: 4_000 });
  });
  afterAll(() => system.close());

  test('every request gets the one order, built from what is stored; another price is a 422', async () => {
    const c = await customer(system, 'burst', 100);
    const answers = await Promise.all(Array.from({ length: 10 }, () => c.order(30, 'burst-1')));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.every((a) => a.body.price === 30 && a.body.status === 'succeeded')).toBe(true);
    const other = await c.order(31, 'burst-1');
    expect(other.status).toBe(422);
    expect(other.body.message).toMatch(REUSED);
    const replay = await c.order(30, 'burst-1');
    expect([replay.status, replay.body.id, replay.body.price]).toEqual([201, answers[0].body.id, 30]);
    expect(await c.balance()).toBe(70);
    expect(await c.orders()).toHaveLength(1);
  });
});
