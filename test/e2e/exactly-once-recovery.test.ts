import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CREDENTIAL_HEADER, credentialFor } from '../../src/http/service-credentials.js';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { planOf } from '../../src/system/links/index.js';
import { meshCredentials } from '../../src/system/mesh.js';
import type { ServiceName } from '../../src/system/wiring.js';
import { findVariant } from '../../src/variants/index.js';

const SECRET = 'the mesh secret of this test';

describe('the recovery pass drives stuck work to an end (http)', () => {
  let system: RunningSystem;
  let api: ApiClient;
  let token: string;
  let userId: string;
  const form = { email: 'stuck@example.test', password: 'stuck-password' };
  const balance = async () => (await api.send('balance', 'GET', '/billing/account', { token })).body.amount;
  const orders = async () => (await api.send('orders', 'GET', '/ordering/orders', { token })).body as { id: string; status: string; reason?: string }[];
  // Acting as the service that would make the call (order pays, the gateway reads an account), with its link's credential.
  const caller = (from: ServiceName, to: ServiceName) => credentialFor(meshCredentials(planOf(system.variant), [from], SECRET)[from], from, to)!;
  const internal = (service: 'billing' | 'order', method: string, path: string, body?: unknown) =>
    fetch(system.urls[service] + path, {
      method,
      headers: { 'content-type': 'application/json', [CREDENTIAL_HEADER]: caller(method === 'GET' ? 'gateway' : 'order', service) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    system = await bootSystem({ variant: findVariant('http'), meshSecret: SECRET });
    api = new ApiClient(system.gatewayUrl);
    userId = (await api.send('register', 'POST', '/identity/register', { body: form })).body.id;
    token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
    await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } });
  });
  afterAll(() => system.close());

  test('an order whose payment call failed (no Idempotency-Key) is charged once and settled; billing away means it waits', async () => {
    await system.stopService('billing');
    expect((await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 30 } })).status).toBe(502);
    expect((await orders()).map((o) => o.status)).toEqual(['pending']);
    // Billing cannot be reached: nothing is guessed, the order keeps waiting.
    const blind = await system.recovery.run({ graceMs: 0 });
    expect(blind.ordersWaiting).toBe(1);
    expect((await orders()).map((o) => o.status)).toEqual(['pending']);

    await system.startService('billing');
    const pass = await system.recovery.run({ graceMs: 0 });
    expect(pass).toMatchObject({ ordersSettled: 1, ordersCharged: 1, ordersWaiting: 0 });
    expect((await orders()).map((o) => o.status)).toEqual(['succeeded']);
    expect(await balance()).toBe(70);
    expect((await api.send('notifications', 'GET', '/notifications', { token })).body).toHaveLength(1);
    expect(system.recorder.all().some((h) => h.kind === 'local' && /^recovery: order \S+ settled succeeded/.test(h.label))).toBe(true);
    expect(await system.recovery.run({ graceMs: 0 })).toMatchObject({ ordersSettled: 0, ordersCharged: 0 });
    expect(system.recovery.totals.ordersSettled).toBeGreaterThanOrEqual(1);
    expect(await balance()).toBe(70);
  });

  test('an order left pending after billing took its money (a crash in between) settles without a second charge', async () => {
    const id = '0b7c2f9e-1111-4a4a-8a8a-000000000001';
    const db = new Database(join(system.dataDir, 'order.sqlite'));
    db.prepare(`INSERT INTO orders (id, user_id, price_cents, status, created_at, updated_at) VALUES (?, ?, 2000, 'pending', '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z')`).run(id, userId);
    db.close();
    expect((await internal('billing', 'POST', '/payments', { paymentId: id, userId, amountCents: 2000 })).status).toBe(201);
    expect(await balance()).toBe(50);
    expect(await system.recovery.run()).toMatchObject({ ordersSettled: 1, ordersCharged: 0 });
    expect((await orders()).find((o) => o.id === id)?.status).toBe('succeeded');
    expect(await balance()).toBe(50);
  });

  test('a registered user left without an account (a crash before billing heard of them) gets one', async () => {
    const id = '0b7c2f9e-2222-4a4a-8a8a-000000000002';
    const db = new Database(join(system.dataDir, 'identity.sqlite'));
    db.prepare(`INSERT INTO users (id, email, password_hash, created_at) VALUES (?, 'orphan@example.test', 'x', '2000-01-01 00:00:00')`).run(id);
    db.close();
    expect((await internal('billing', 'GET', `/accounts/${id}`)).status).toBe(404);
    expect(await system.recovery.run({ full: true })).toMatchObject({ accountsOpened: 1 });
    expect((await internal('billing', 'GET', `/accounts/${id}`)).status).toBe(200);
  });
});

test('after a restart on the same data dir, the recovery pass goes on from where it had checked users up to, not from the first user', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orderctl-marks-'));
  try {
    const first = await bootSystem({ variant: findVariant('http'), dataDir });
    const api = new ApiClient(first.gatewayUrl);
    for (const who of ['ann', 'bob']) expect((await api.send('register', 'POST', '/identity/register', { body: { email: `${who}@example.test`, password: 'a-password' } })).status).toBe(201);
    await first.settle();
    expect(await first.recovery.run({ graceMs: 0 })).toMatchObject({ accountsOpened: 0 });
    await first.close();

    // Two users left without an account: one registered before the mark (checked already, as far as the pass knows), one after.
    const db = new Database(join(dataDir, 'identity.sqlite'));
    expect((db.prepare("SELECT scanned_until AS until FROM recovery_marks WHERE job = 'open-missing-accounts'").get() as { until: string }).until).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    db.prepare("UPDATE recovery_marks SET scanned_until = '2010-01-01 00:00:00'").run();
    const orphan = db.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, 'x', ?)");
    orphan.run('0b7c2f9e-3333-4a4a-8a8a-000000000003', 'before@example.test', '2000-01-01 00:00:00');
    orphan.run('0b7c2f9e-4444-4a4a-8a8a-000000000004', 'after@example.test', '2015-01-01 00:00:00');
    db.close();

    const second = await bootSystem({ variant: findVariant('http'), dataDir });
    try {
      // Whichever pass gets there first (the one a system runs at boot, or this one), only the user after the mark is found.
      await second.recovery.run({ graceMs: 0 });
      expect(second.recovery.totals.accountsOpened).toBe(1);
      expect(await second.recovery.run({ graceMs: 0, full: true })).toMatchObject({ accountsOpened: 1 });
      expect(second.recovery.totals.accountsOpened).toBe(2);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
