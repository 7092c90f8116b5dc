import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { closeServer, listen } from '../../src/http/service-app.js';
import { deliveryApp } from '../../src/services/delivery/delivery-routes.js';
import { DEFAULT_ZONES, DeliveryService, deliverySchema } from '../../src/services/delivery/delivery-service.js';
import { stockApp } from '../../src/services/stock/stock-routes.js';
import { DEFAULT_CATALOG, StockService, stockSchema } from '../../src/services/stock/stock-service.js';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { bootSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';

// The saga's two new services over real HTTP (running in every style, not yet part of an order's saga).
const dir = mkdtempSync(join(tmpdir(), 'orderctl-saga-http-'));
const stores = [new Store(openDatabase(dir, 'stock', stockSchema)), new Store(openDatabase(dir, 'delivery', deliverySchema))];
const servers: Server[] = [];
let stock: string;
let delivery: string;
beforeAll(async () => {
  const s = new StockService(stores[0]);
  s.load(DEFAULT_CATALOG);
  const d = new DeliveryService(stores[1]);
  d.load(['Paris'], 1);
  const a = await listen(stockApp(s));
  const b = await listen(deliveryApp(d));
  servers.push(a.server, b.server);
  [stock, delivery] = [a.url, b.url];
});
afterAll(async () => {
  for (const server of servers) await closeServer(server);
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (url: string, body?: unknown) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

test('stock: the default catalog, a reservation held or refused with its reason, malformed lines a 400 that changes nothing', async () => {
  const items = (await (await fetch(`${stock}/items`)).json()) as { sku: string; available: number }[];
  expect(items.length).toBeGreaterThanOrEqual(5);
  expect(items.every((i) => i.available >= 10)).toBe(true);
  expect((await post(`${stock}/reservations`, { orderId: 'o1', lines: [{ sku: 'mug', quantity: 2 }] })).status).toBe(201);
  const refused = await post(`${stock}/reservations`, { orderId: 'o2', lines: [{ sku: 'mug', quantity: 99 }] });
  expect(refused).toEqual({ status: 422, body: { code: 422, error: 'UNPROCESSABLE', message: 'only 18 of mug available, 99 asked' } });
  for (const lines of [[{ sku: 'mug', quantity: 0 }], [{ sku: 'mug', quantity: 1, colour: 'red' }], Array.from({ length: 51 }, () => ({ sku: 'mug', quantity: 1 })), []]) {
    const bad = await post(`${stock}/reservations`, { orderId: 'o3', lines });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/lines/);
  }
  expect((await post(`${stock}/reservations/o1/release`)).body).toEqual({ moved: 2 });
  expect((await post(`${stock}/reservations/o1/release`)).body).toEqual({ moved: 0 });
  const mug = ((await (await fetch(`${stock}/items`)).json()) as { sku: string; available: number; reserved: number }[]).find((i) => i.sku === 'mug')!;
  expect(mug).toMatchObject({ available: 20, reserved: 0 });
});

test('delivery: zones, a delivery started or refused with its reason, a receipt the order service tells again changes nothing, a missing address a 400', async () => {
  expect(await (await fetch(`${delivery}/zones`)).json()).toEqual(['Paris']);
  expect((await post(`${delivery}/deliveries`, { orderId: 'o1', address: { city: 'Paris', street: '1 Rue' } })).status).toBe(201);
  expect((await post(`${delivery}/deliveries`, { orderId: 'o2', address: { city: 'Paris', street: '2 Rue' } })).body.message).toBe('no courier is free');
  expect((await post(`${delivery}/deliveries`, { orderId: 'o3', address: { city: 'Oslo', street: '3 Gate' } })).body.message).toBe('we do not deliver to Oslo');
  expect((await post(`${delivery}/deliveries`, { orderId: 'o4' })).status).toBe(400);
  expect((await post(`${delivery}/deliveries/o1/received`)).status).toBe(204);
  // The order service decides the receipt and tells delivery through its outbox, made again until it answers 2xx.
  expect((await post(`${delivery}/deliveries/o1/received`)).status).toBe(204);
  expect((await post(`${delivery}/deliveries/o1/return`)).body).toEqual({ returned: false });
  const never = await post(`${delivery}/deliveries/o3/received`);
  expect(never.status).toBe(409);
  expect(never.body.message).toBe('order o3 is not being delivered');
});

test('every style runs stock and delivery: the public API shows the catalog and the zones, without a token', async () => {
  const system = await bootSystem({ variant: variants[0] });
  try {
    const items = await fetch(`${system.gatewayUrl}/api/v1/stock/items`);
    expect(items.status).toBe(200);
    expect(((await items.json()) as { sku: string }[]).map((i) => i.sku)).toEqual(DEFAULT_CATALOG.map((i) => i.sku));
    const zones = await fetch(`${system.gatewayUrl}/api/v1/delivery/zones`);
    expect(await zones.json()).toEqual([...DEFAULT_ZONES].sort());
    const health = (await (await fetch(`${system.gatewayUrl}/api/v1/health`)).json()) as { services: Record<string, string> };
    expect(health.services).toMatchObject({ stock: 'ok', delivery: 'ok' });
  } finally {
    await system.close();
  }
});
