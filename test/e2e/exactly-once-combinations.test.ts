import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { sleep } from '../../src/core/duration.js';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { usesBroker, type Variant } from '../../src/variants/variant.js';
import { defineVariant } from '../../src/variants/define.js';
import { duplicating } from '../support/duplicating-transport.js';
import { eventually } from '../support/eventually.js';

/** Registers, tops up (twice with one key) and orders once; checks money, the order's end and its one notification. */
async function happyPath(system: RunningSystem, name: string): Promise<void> {
  const api = new ApiClient(system.gatewayUrl);
  const form = { email: `${name}@example.test`, password: `${name}-password` };
  expect((await api.send('register', 'POST', '/identity/register', { body: form })).status).toBe(201);
  const token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
  const balance = async () => (await api.send('balance', 'GET', '/billing/account', { token })).body?.amount;
  await eventually('the account opened, empty', balance, (a) => a === 0);
  for (let i = 0; i < 2; i++) expect((await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 }, headers: { 'idempotency-key': 'top-up' } })).status).toBe(204);
  expect([201, 202]).toContain((await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 30 } })).status);
  const orders = await eventually(
    'the order succeeded',
    async () => (await api.send('orders', 'GET', '/ordering/orders', { token })).body,
    (list) => list[0]?.status === 'succeeded',
  );
  expect(orders.map((o: { status: string }) => o.status)).toEqual(['succeeded']);
  expect(await balance()).toBe(70);
  const notes = await eventually('a notification', async () => (await api.send('notifications', 'GET', '/notifications', { token })).body, (list) => list.length > 0);
  await system.settle(5_000);
  expect(notes).toHaveLength(1);
  expect((await api.send('notifications', 'GET', '/notifications', { token })).body).toHaveLength(1);
}

const LINK = ['rest', 'event'] as const;
const combinations: Omit<Variant, 'name' | 'summary'>[] = (['rest', 'broker'] as const).flatMap((commands) =>
  (['thin', 'full'] as const).flatMap((events) =>
    LINK.flatMap((accountOpening) =>
      LINK.flatMap((payment) =>
        LINK.flatMap((orderOutcome) => (['rest', 'copy'] as const).map((recipient) => ({ commands, events, links: { accountOpening, payment, orderOutcome, recipient } }))),
      ),
    ),
  ),
);
const label = (c: Omit<Variant, 'name' | 'summary'>) =>
  `commands=${c.commands} events=${c.events} account=${c.links.accountOpening} payment=${c.links.payment} outcome=${c.links.orderOutcome} recipient=${c.links.recipient}`;
const accepted = combinations.flatMap((c) => {
  try {
    return [defineVariant({ name: label(c), summary: 'every combination', ...c })];
  } catch {
    return [];
  }
});

describe.each(accepted.map((v) => [v.name, v] as const))('%s, every message delivered twice', (_name, variant) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant, transport: duplicating(new MemoryTransport()) });
  });
  afterAll(() => system.close());

  test('the happy path ends exactly as with single delivery', async () => {
    await happyPath(system, 'combo');
    if (usesBroker(variant)) expect(system.recorder.all().some((h) => h.kind === 'consume' && h.outcome === 'duplicate')).toBe(true);
  });
});

describe('payment by event, outcome over REST: notification away when the order settles', () => {
  let system: RunningSystem;
  const variant = defineVariant({
    name: 'mixed',
    summary: 'payment by event, outcome over REST',
    commands: 'rest',
    events: 'full',
    links: { accountOpening: 'event', payment: 'event', orderOutcome: 'rest', recipient: 'rest' },
  });
  beforeAll(async () => {
    system = await bootSystem({ variant });
  });
  afterAll(() => system.close());

  test('the call to notification is made once notification is back', async () => {
    const api = new ApiClient(system.gatewayUrl);
    const form = { email: 'mixed@example.test', password: 'mixed-password' };
    await api.send('register', 'POST', '/identity/register', { body: form });
    const token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
    await eventually('the account opened', async () => (await api.send('balance', 'GET', '/billing/account', { token })).status, (s) => s === 200);
    await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } });
    await system.stopService('notification');
    expect((await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 30 } })).status).toBe(202);
    await eventually('the order succeeded', async () => (await api.send('orders', 'GET', '/ordering/orders', { token })).body[0]?.status, (s) => s === 'succeeded');
    await sleep(1_500);
    await system.startService('notification');
    const notes = await eventually('a notification once notification is back', async () => (await api.send('notifications', 'GET', '/notifications', { token })).body, (list) => list.length > 0);
    expect(notes).toHaveLength(1);
  });
});
