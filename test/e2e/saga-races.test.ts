import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AmqpTransport } from '../../src/broker/amqp-transport.js';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import type { Transport } from '../../src/broker/transport.js';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { linkOf, type Variant } from '../../src/variants/variant.js';
import { eventually } from '../support/eventually.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';
import { reordering } from '../support/reordering-transport.js';

const ADDRESS = { city: 'Lisbon', street: 'Rua Augusta 1' };

/** A customer with money, logged in. */
async function customer(api: ApiClient, name: string): Promise<string> {
  const form = { email: `${name}-${Math.random().toString(36).slice(2)}@example.test`, password: `${name}-password` };
  expect((await api.send('register', 'POST', '/identity/register', { body: form })).status).toBe(201);
  const token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken as string;
  await eventually('the deposit', async () => (await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } })).status, (s) => s === 204);
  return token;
}

const status = async (api: ApiClient, token: string, id: string) => (await api.send('order', 'GET', `/ordering/orders/${id}`, { token })).body as { status: string; history: { status: string }[] };
const mugs = async (api: ApiClient) => ((await api.send('stock', 'GET', '/stock/items')).body as { sku: string; available: number; reserved: number }[]).find((i) => i.sku === 'mug')!;

/** Places a saga order for one mug and returns its id once the order service has recorded it (the answer may come later). */
async function placeSaga(api: ApiClient, token: string): Promise<{ id: string; answered: Promise<number> }> {
  const before = new Set(((await api.send('orders', 'GET', '/ordering/orders', { token })).body as { id: string }[]).map((o) => o.id));
  const answered = api.send('order', 'POST', '/ordering/orders', { token, body: { price: 30, items: [{ sku: 'mug', quantity: 1 }], address: ADDRESS } }).then((r) => r.status);
  const id = await eventually('the order is recorded', async () => ((await api.send('orders', 'GET', '/ordering/orders', { token })).body as { id: string }[]).find((o) => !before.has(o.id))?.id);
  return { id: id!, answered };
}

/** After a race: the order ended as `final`, the customer paid `paid` in all, the mugs are back or gone, nothing held. */
async function settledAs(api: ApiClient, token: string, id: string, final: 'done' | 'cancelled', stockBefore: number) {
  expect((await eventually('the order ends', () => status(api, token, id), (o) => o.status === final)).status).toBe(final);
  await eventually('the money', async () => (await api.send('balance', 'GET', '/billing/account', { token })).body.amount, (a) => a === (final === 'done' ? 70 : 100));
  await eventually('the stock', () => mugs(api), (m) => m.reserved === 0 && m.available === stockBefore - (final === 'done' ? 1 : 0));
  await eventually('one notification', async () => (await api.send('notifications', 'GET', '/notifications', { token })).body.length, (n) => n === 1);
}

// A receipt and a cancel of one order are decided where the saga's state is (the order service), one
// after the other: whichever comes first wins, the other is a 409, whatever delivery has heard yet.
describe.each(variants.map((v) => [v.name, v] as const))('%s: receipt against cancel', (_name, variant) => {
  let system: RunningSystem;
  let api: ApiClient;
  beforeAll(async () => {
    system = await bootSystem({ variant });
    api = new ApiClient(system.gatewayUrl);
  });
  afterAll(() => system.close());

  test('cancelled first: the receipt that follows is a 409 and everything is undone', async () => {
    const token = await customer(api, 'cancel-first');
    const stock = (await mugs(api)).available;
    const { id } = await placeSaga(api, token);
    await eventually('delivering', () => status(api, token, id), (o) => o.status === 'delivering');
    // Delivery away: it cannot have heard of the cancel when the receipt comes.
    await system.stopService('delivery');
    expect((await api.send('cancel', 'POST', `/ordering/orders/${id}/cancel`, { token })).status).toBe(202);
    expect((await api.send('received', 'POST', `/delivery/orders/${id}/received`, { token })).status).toBe(409);
    await system.startService('delivery');
    await settledAs(api, token, id, 'cancelled', stock);
  });

  test('received first: the cancel that follows is a 409 and the order is done', async () => {
    const token = await customer(api, 'receipt-first');
    const stock = (await mugs(api)).available;
    const { id } = await placeSaga(api, token);
    await eventually('delivering', () => status(api, token, id), (o) => o.status === 'delivering');
    await system.stopService('delivery');
    expect((await api.send('received', 'POST', `/delivery/orders/${id}/received`, { token })).status).toBe(204);
    expect((await api.send('cancel', 'POST', `/ordering/orders/${id}/cancel`, { token })).status).toBe(409);
    await system.startService('delivery');
    await settledAs(api, token, id, 'done', stock);
  });
});

// Where delivery hears the saga by messages, its undo (from the order service) can reach it before the
// step (from stock, or from the order service on another connection): the step must then do nothing.
const byMessages = variants.filter((v) => v.saga === 'choreography' || linkOf(v, 'dispatch') === 'event');
const reorder = (v: Variant) =>
  v.saga === 'choreography' ? { service: 'delivery', hold: ['OrderReserved'], until: ['OrderCancelled'] } : { service: 'delivery', hold: ['StartDelivery'], until: ['ReturnDelivery'] };
const brokers: { name: string; make: () => Promise<Transport> }[] = [
  { name: 'in-process broker', make: async () => new MemoryTransport() },
  { name: 'RabbitMQ', make: async () => AmqpTransport.connect(await rabbitmqUrl()) },
];

describe.each(brokers.flatMap((b) => byMessages.map((v) => [v.name, b.name, v, b] as const)))('%s on %s: the undo overtakes the delivery step', (_name, _broker, variant, broker) => {
  let system: RunningSystem;
  let transport: ReturnType<typeof reordering>;
  beforeAll(async () => {
    transport = reordering(await broker.make(), reorder(variant));
    system = await bootSystem({ variant, transport });
  });
  afterAll(() => system.close());

  test('a cancel while the order is reserved: delivery hears the undo first, the late step starts no delivery, everything is undone', async () => {
    const api = new ApiClient(system.gatewayUrl);
    const token = await customer(api, 'overtaken');
    const stock = (await mugs(api)).available;
    const { id, answered } = await placeSaga(api, token);
    await eventually('reserved', () => status(api, token, id), (o) => o.status === 'reserved');
    // The step leaves order's outbox after the move: wait until delivery has it (held back) before cancelling.
    await eventually('the delivery step held back at delivery', () => transport.held(), (n) => n === 1);
    expect((await api.send('cancel', 'POST', `/ordering/orders/${id}/cancel`, { token })).status).toBe(202);
    await settledAs(api, token, id, 'cancelled', stock);
    expect([202, 422, 504]).toContain(await answered);
    const order = await status(api, token, id);
    expect(order.history.map((h) => h.status)).toEqual(['created', 'paid', 'reserved', 'cancelled']);
    await system.settle();
    expect((await api.send('received', 'POST', `/delivery/orders/${id}/received`, { token })).status).toBe(409);
  });
});
