import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Handler, Transport } from '../../src/broker/transport.js';
import { sleep } from '../../src/core/duration.js';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { findVariant } from '../../src/variants/index.js';
import { forwarding } from '../support/forwarding-transport.js';
import { transports } from '../support/transports.js';

/** The real broker, except that deliveries to consumer group `group` are held until `open()` (a copy that is late). */
function holding(inner: Transport, group: string) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const transport = forwarding(inner, {
    subscribe: (g, types, handler: Handler, options) => inner.subscribe(g, types, g === group ? async (d) => gate.then(() => handler(d)) : handler, options),
  });
  return { transport, open };
}

describe.each(transports.map((t) => [t.name, t] as const))("notification's copy of the user arrives after the order outcome, on the %s", (_name, { make }) => {
  let system: RunningSystem;
  let release: () => void;
  beforeAll(async () => {
    const { transport, open } = holding(await make(), 'notification.UserCreated');
    release = open;
    system = await bootSystem({ variant: findVariant('event-collaboration'), transport });
  });
  afterAll(() => {
    release();
    return system.close();
  });

  test('the outcome waits for its recipient and is sent when the copy arrives, once', async () => {
    const api = new ApiClient(system.gatewayUrl);
    const form = { email: 'late-copy@example.test', password: 'late-copy-password' };
    expect((await api.send('register', 'POST', '/identity/register', { body: form })).status).toBe(201);
    const token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
    expect((await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } })).status).toBe(204);
    expect((await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 30 } })).status).toBe(201);
    // Longer than every redelivery of the outcome would take before it was parked.
    await sleep(1_500);
    expect((await api.send('notifications', 'GET', '/notifications', { token })).body).toEqual([]);
    release();
    expect(await system.settle(120_000)).toBe(true);
    const notifications = (await api.send('notifications', 'GET', '/notifications', { token })).body;
    expect(notifications.map((n: { message: string }) => n.message)).toEqual(['Your order for 30.00$ has been successfully processed']);
    expect(await system.transport.parked('notification.OrderCreated.OrderFailed')).toEqual([]);
  });
});

describe.each(transports.map((t) => [t.name, t] as const))('thin events: the order service is down when notification reads the order back, on the %s', (_name, { make }) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant: findVariant('event-notification'), transport: await make(), recovery: { everyMs: 60_000 } });
  });
  afterAll(() => system.close());

  test('the outcome waits (never parked) and the recovery pass sends it once the order service is back, once', async () => {
    const api = new ApiClient(system.gatewayUrl);
    const form = { email: 'order-down@example.test', password: 'order-down-password' };
    expect((await api.send('register', 'POST', '/identity/register', { body: form })).status).toBe(201);
    const token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
    expect((await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } })).status).toBe(204);
    // Notification hears of the outcome late, and by then the order service is down.
    await system.setLatency('notification', 400);
    expect((await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 30 } })).status).toBe(201);
    await system.stopService('order');
    await system.setLatency('notification', 0);
    // Longer than every redelivery would take before the outcome was parked.
    await sleep(2_000);
    expect(await system.transport.parked('notification.OrderCreated.OrderFailed')).toEqual([]);
    expect(system.recorder.all().some((h) => h.kind === 'local' && h.label === "notification waits for the order's details")).toBe(true);
    await system.startService('order');
    await system.recovery.run();
    await system.recovery.run();
    const notifications = (await api.send('notifications', 'GET', '/notifications', { token })).body;
    expect(notifications.map((n: { message: string }) => n.message)).toEqual(['Your order for 30.00$ has been successfully processed']);
    expect(system.recovery.totals.notificationsSent).toBe(1);
  });
});
