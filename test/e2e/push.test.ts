import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { TRAITS } from '../../src/variants/variant.js';
import { eventually } from '../support/eventually.js';

const pushing = variants.find(TRAITS['pushes-order-status'])!;
const allRest = variants.find(TRAITS['all-rest'])!;
let system: RunningSystem;
beforeAll(async () => {
  system = await bootSystem({ variant: pushing });
});
afterAll(() => system.close());

/** A registered, logged-in user with `cents` on the account. */
async function customer(api: ApiClient, n: number, cents: number): Promise<string> {
  const form = { email: `push-${n}@example.test`, password: 'push-password' };
  await api.send('register', 'POST', '/identity/register', { body: form });
  const token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken as string;
  await eventually(`the first deposit of customer ${n}`, async () => (await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: cents / 100 } })).status, (status) => status === 204);
  return token;
}
const final = (e: { event: string; data: { status?: string } }) => e.event !== 'status' || e.data.status !== 'pending';

test(`${pushing.name}: twenty customers ordering at once each get their order's final status by push, and every stream ends`, async () => {
  const api = new ApiClient(system.gatewayUrl);
  const tokens = await Promise.all(Array.from({ length: 20 }, (_, n) => customer(api, n, 1_000)));
  // Even customers can afford the order, odd ones cannot.
  const pushed = await Promise.all(
    tokens.map(async (token, n) => {
      const placed = await api.send('order', 'POST', '/ordering/orders', { token, body: { price: n % 2 === 0 ? 5 : 50 } });
      expect(placed.status).toBe(202);
      const watched = await api.watch('order-push', `/ordering/orders/${placed.body.id}/events`, { token }, final);
      return { n, id: placed.body.id as string, watched };
    }),
  );
  for (const { n, id, watched } of pushed) {
    expect(watched.status).toBe(200);
    expect(watched.body).toMatchObject({ id, status: n % 2 === 0 ? 'succeeded' : 'failed' });
    // The stream said the status as it was when the client subscribed, then the final one, and nothing after it.
    expect(watched.events.at(-1)).toEqual({ event: 'status', data: watched.body });
    expect(watched.events.filter((e) => e.event === 'status' && e.data.status !== 'pending')).toHaveLength(1);
    // What the stream said is what a read says.
    const token = tokens[n];
    expect((await api.send('order-status', 'GET', `/ordering/orders/${id}`, { token })).body.status).toBe(watched.body.status);
  }
}, 60_000);

test('a stream of an order that is not yours, or not there, is a plain 404', async () => {
  const api = new ApiClient(system.gatewayUrl);
  const token = await customer(api, 100, 1_000);
  const nobody = await api.watch('order-push', '/ordering/orders/00000000-0000-4000-8000-000000000000/events', { token }, final);
  expect(nobody.status).toBe(404);
  expect(nobody.body.message).toBe('order not found');
});

test('a style without push has no event stream: the route is not there', async () => {
  const plain = await bootSystem({ variant: allRest });
  try {
    const api = new ApiClient(plain.gatewayUrl);
    const token = await customer(api, 200, 1_000);
    const placed = await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 5 } });
    expect((await api.watch('order-push', `/ordering/orders/${placed.body.id}/events`, { token }, final)).status).toBe(404);
  } finally {
    await plain.close();
  }
});

test('a gateway shutting down ends the open streams with a last "closing" event, and the client is not left hanging', async () => {
  const own = await bootSystem({ variant: pushing });
  const api = new ApiClient(own.gatewayUrl);
  const token = await customer(api, 300, 1_000);
  await own.stopService('billing');
  const placed = await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 5 } });
  let subscribed = () => {};
  const first = new Promise<void>((resolve) => (subscribed = resolve));
  const watching = api.watch('order-push', `/ordering/orders/${placed.body.id}/events`, { token }, (e) => {
    subscribed();
    return e.event === 'closing' || final(e);
  });
  // The stream is open (it said "pending"): now the gateway shuts down under it.
  await first;
  await own.close();
  const watched = await watching;
  expect(watched.events.map((e) => e.event)).toEqual(['status', 'closing']);
  expect(watched.events[0].data.status).toBe('pending');
}, 60_000);
