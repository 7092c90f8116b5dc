import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient } from '../../src/scenarios/api-client.js';
import type { RunningSystem, StoppableService } from '../../src/system/boot.js';
import { bootProcesses } from '../../src/system/process-system.js';
import { variants } from '../../src/variants/index.js';
import { eventually } from '../support/eventually.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

/** Each boundary between two saga steps: the participant held back so the saga waits there, and the state it waits in. */
const BOUNDARIES: { waitsIn: string; holding?: StoppableService }[] = [
  { waitsIn: 'created', holding: 'billing' },
  { waitsIn: 'paid', holding: 'stock' },
  { waitsIn: 'reserved', holding: 'delivery' },
  { waitsIn: 'delivering' },
];

// One OS process per service over RabbitMQ, restarted when it dies (as serve and a container runtime do):
// the order process is killed with SIGKILL while a saga waits between two steps, and the saga finishes.
// One style per way of running the saga: orchestrated over REST (http), orchestrated by commands and
// replies with the gateway waiting for the answer (event-collaboration), and choreographed.
const CRASHED = ['http', 'event-collaboration', 'choreography'];

describe.each(variants.filter((v) => CRASHED.includes(v.name)).map((v) => [v.name, v] as const))('the order service killed between every two saga steps: %s', (_name, variant) => {
  let system: RunningSystem;
  let api: ApiClient;
  let token: string;
  const sku = `crash-${randomUUID().slice(0, 8)}`;
  const internal = (service: 'stock', method: string, path: string, body?: unknown) =>
    fetch(system.urls[service] + path, { method, headers: { 'content-type': 'application/json', ...system.operatorHeaders(service) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const order = async (id: string) => (await api.send('order', 'GET', `/ordering/orders/${id}`, { token })).body;
  const item = async () => ((await (await internal('stock', 'GET', '/items')).json()) as { sku: string; available: number; reserved: number }[]).find((i) => i.sku === sku)!;

  /** SIGKILL to every order process; resolves once each was started again and answers. */
  async function killOrder(): Promise<void> {
    const before = system.processes!().filter((p) => p.service === 'order' && p.alive);
    for (const p of before) process.kill(p.pid, 'SIGKILL');
    await eventually('order restarted', async () => system.processes!().filter((p) => p.service === 'order' && p.alive && !before.some((b) => b.pid === p.pid)).length, (n) => n === before.length);
    await eventually('order answers', () => fetch(`${system.urls.order}/health`).then((r) => r.status, () => 0), (s) => s === 200);
  }

  beforeAll(async () => {
    system = await bootProcesses({ variant, broker: await rabbitmqUrl(), restart: true });
    api = new ApiClient(system.gatewayUrl);
    const form = { email: `crash-${randomUUID()}@example.test`, password: 'crash-password' };
    await api.send('register', 'POST', '/identity/register', { body: form });
    token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
    await eventually('account open', () => api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } }).then((r) => r.status), (s) => s === 204);
    expect((await internal('stock', 'POST', '/items', [{ sku, name: 'crash test item', available: 10 }])).status).toBe(201);
  }, 120_000);
  afterAll(() => system?.close());

  test.each(BOUNDARIES)('waiting in $waitsIn: killed, restarted, the saga ends, nothing created or lost', async ({ waitsIn, holding }) => {
    if (holding) await system.stopService(holding);
    const key = randomUUID();
    // Synchronous styles hold the client's request open while the saga waits; its answer (or error) does not matter here.
    const placing = api.send('order', 'POST', '/ordering/orders', { token, headers: { 'idempotency-key': key }, body: { price: 10, items: [{ sku, quantity: 1 }], address: { city: 'Paris', street: '1 rue de Rivoli' } } });
    const mine = async () => ((await api.send('orders', 'GET', '/ordering/orders', { token })).body as { id: string; status: string }[]).find((o) => o.status !== 'done' && o.status !== 'cancelled');
    const waiting = (await eventually(`a saga waiting in ${waitsIn}`, mine, (o) => o?.status === waitsIn))!;
    await killOrder();
    if (holding) await system.startService(holding);
    await placing.catch(() => undefined);
    // What a REST step left unanswered when the order process died is asked again by the recovery pass.
    const delivering = await eventually('the saga handed to delivery', async () => (await system.recovery.run({ graceMs: 0 }), order(waiting.id)), (o) => o.status === 'delivering');
    expect(delivering.history.map((h: { status: string }) => h.status)).toEqual(['created', 'paid', 'reserved', 'delivering']);
    expect((await api.send('received', 'POST', `/delivery/orders/${waiting.id}/received`, { token })).status).toBe(204);
    const done = await eventually('the saga done', () => order(waiting.id), (o) => o.status === 'done');
    expect(done.history.map((h: { status: string }) => h.status)).toEqual(['created', 'paid', 'reserved', 'delivering', 'done']);
  });

  test('afterwards: each order paid once, each item shipped once, one notification per order', async () => {
    expect(await system.settle(120_000)).toBe(true);
    const orders = (await api.send('orders', 'GET', '/ordering/orders', { token })).body as { status: string }[];
    expect(orders.map((o) => o.status)).toEqual(BOUNDARIES.map(() => 'done'));
    expect((await api.send('balance', 'GET', '/billing/account', { token })).body.amount).toBe(100 - 10 * BOUNDARIES.length);
    expect(await item()).toMatchObject({ available: 10 - BOUNDARIES.length, reserved: 0 });
    const notifications = (await api.send('notifications', 'GET', '/notifications', { token })).body as { message: string }[];
    expect(notifications.map((n) => n.message)).toEqual(BOUNDARIES.map(() => 'Your order for 10.00$ has been successfully processed'));
  });
});
