import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { findVariant } from '../../src/variants/index.js';

let system: RunningSystem;
let api: ApiClient;
let token: string;
beforeAll(async () => {
  system = await bootSystem({ variant: findVariant('http') });
  api = new ApiClient(system.gatewayUrl);
  const form = { email: 'retry@example.test', password: 'retry-password' };
  await api.send('register', 'POST', '/identity/register', { body: form });
  token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
  await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } });
});
afterAll(() => system.close());

test('http: an order whose payment call failed is charged once when the client retries with its Idempotency-Key', async () => {
  const order = (key: string) => api.send('order', 'POST', '/ordering/orders', { token, body: { price: 30 }, headers: { 'idempotency-key': key } });
  await system.stopService('billing');
  const failed = await order('k-1');
  expect(failed.status).toBe(502);
  expect(failed.body.message).toContain('billing is unreachable');
  await system.startService('billing');

  const retried = await order('k-1');
  expect(retried.status).toBe(201);
  expect(retried.body.status).toBe('succeeded');
  expect((await order('k-1')).body.id).toBe(retried.body.id);

  const orders = await api.send('orders', 'GET', '/ordering/orders', { token });
  expect(orders.body).toHaveLength(1);
  expect((await api.send('balance', 'GET', '/billing/account', { token })).body.amount).toBe(70);
});
