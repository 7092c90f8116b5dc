import { afterAll, beforeAll, expect, test } from 'vitest';
import { sleep } from '../../src/core/duration.js';
import { roundTripsBySchema } from '../../src/storage/postgres-db.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { findVariant } from '../../src/variants/index.js';
import { eventually } from '../support/eventually.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';

/** Orders the average is taken over. */
const ORDERS = 20;
/** The most round trips to PostgreSQL an http order may cost, every service's together. */
const MOST = 10;

let system: RunningSystem;
let token: string;

/** Round trips so far by service (the schemas of this system's throwaway namespace). */
function tripsNow(): Record<string, number> {
  const trips: Record<string, number> = {};
  for (const [schema, n] of roundTripsBySchema()) {
    const service = /^run_[0-9a-f]+_(.+)$/.exec(schema)?.[1];
    if (service) trips[service] = (trips[service] ?? 0) + n;
  }
  return trips;
}

const since = (before: Record<string, number>) => Object.fromEntries(Object.entries(tripsNow()).map(([s, n]) => [s, n - (before[s] ?? 0)]));
const sum = (trips: Record<string, number>) => Object.values(trips).reduce((a, b) => a + b, 0);

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${system.gatewayUrl}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  // The recovery pass runs once at boot, then not while orders are counted.
  system = await bootSystem({ variant: findVariant('http'), store: { url: POSTGRES_TEST_URL }, recovery: { everyMs: 3_600_000 } });
  await eventually('the boot-time recovery pass', () => system.recovery.totals.passes, (n) => n >= 1);
  const credentials = { email: 'round-trips@example.test', password: 'round-trips-password' };
  expect((await api('POST', '/identity/register', credentials)).status).toBe(201);
  token = (await api('POST', '/identity/login', credentials)).body.accessToken;
  await eventually('the deposit (the account opens with the registration)', async () => (await api('POST', '/billing/account/deposit', { amount: 100 })).status, (s) => s === 204);
  // One order first: every statement of the path is prepared on its connection before counting.
  expect((await api('POST', '/ordering/orders', { price: 0.01 })).status).toBe(201);
  expect(await system.settle()).toBe(true);
});
afterAll(() => system?.close());

test(`an http order on PostgreSQL costs at most ${MOST} round trips to the server, every service's together`, async () => {
  const before = tripsNow();
  const started = performance.now();
  const answers: { status: number; body: any }[] = [];
  for (let i = 0; i < ORDERS; i++) answers.push(await api('POST', '/ordering/orders', { price: 0.01 }));
  // What follows the answer (the sent call's outbox row deleted) is counted too.
  await sleep(300);
  const window = performance.now() - started;
  const counted = since(before);

  // The outbox relays look for work every half second on their own: their trips in a window as long, with no order, are left out.
  const idleBefore = tripsNow();
  await sleep(window);
  const idle = since(idleBefore);

  expect(answers.map((a) => [a.status, a.body.status])).toEqual(Array.from({ length: ORDERS }, () => [201, 'succeeded']));
  const perOrder = Object.fromEntries(Object.entries(counted).map(([s, n]) => [s, (n - (idle[s] ?? 0)) / ORDERS]));
  const total = (sum(counted) - sum(idle)) / ORDERS;
  console.log(`round trips per http order: ${total.toFixed(2)}`, perOrder, `(relays' own in the window: ${sum(idle)})`);
  // Every service on the way talks to its database at least once.
  for (const service of ['order', 'billing', 'notification', 'identity']) expect(perOrder[service], service).toBeGreaterThanOrEqual(0.9);
  // Billing's payment is one statement that carries its COMMIT: one round trip, not two.
  expect(perOrder.billing).toBeLessThan(1.5);
  expect(total).toBeLessThanOrEqual(MOST);
});
