import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { BenchListener } from '../../src/bench/bench-run.js';
import { runGrowth } from '../../src/bench/growth-run.js';
import { seedDataDir } from '../../src/bench/seed-data-dir.js';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { launchSystem } from '../../src/system/launch.js';
import { findVariant } from '../../src/variants/index.js';
import { privateTmp } from '../support/cli.js';

const count = (dir: string, service: string, sql: string) => {
  const db = new Database(join(dir, `${service}.sqlite`), { readonly: true });
  try {
    return Object.values(db.prepare(sql).get() as Record<string, number>)[0];
  } finally {
    db.close();
  }
};

test('a seeded data dir holds exactly N orders with consistent money, boots, and its first recovery pass touches nothing old', async () => {
  const dir = privateTmp();
  const seed = await seedDataDir(dir, { orders: 2_000 });
  expect(seed).toMatchObject({ orders: 2_000, users: 400 });
  expect(count(dir, 'order', `SELECT COUNT(*) FROM orders WHERE status = 'succeeded' AND price_cents = 100`)).toBe(2_000);
  expect(count(dir, 'order', 'SELECT COUNT(*) FROM orders')).toBe(2_000);
  expect(count(dir, 'billing', `SELECT COUNT(*) FROM payments WHERE status = 'succeeded'`)).toBe(2_000);
  expect(count(dir, 'notification', 'SELECT COUNT(DISTINCT order_id) FROM notifications')).toBe(2_000);
  expect(count(dir, 'identity', 'SELECT COUNT(*) FROM users')).toBe(400);
  expect(count(dir, 'billing', 'SELECT COUNT(*) FROM accounts')).toBe(400);
  expect(count(dir, 'notification', 'SELECT COUNT(*) FROM profiles')).toBe(400);
  // Money: each account is its ledger's sum; all of it is what was deposited less what the orders cost.
  expect(count(dir, 'billing', 'SELECT COUNT(*) FROM accounts a WHERE a.amount_cents != (SELECT SUM(delta_cents) FROM ledger l WHERE l.user_id = a.user_id)')).toBe(0);
  expect(count(dir, 'billing', 'SELECT SUM(amount_cents) FROM accounts')).toBe(400 * seed.depositCents - 2_000 * 100);
  expect(count(dir, 'billing', `SELECT -SUM(delta_cents) FROM ledger WHERE kind = 'payment'`)).toBe(2_000 * 100);

  const system = await launchSystem(findVariant('hybrid'), {}, { dataDir: dir });
  try {
    const second = await system.recovery.run();
    expect(Object.values(second).every((n) => n === 0)).toBe(true);
    const { passes, ...totals } = system.recovery.totals;
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(Object.values(totals).every((n) => n === 0)).toBe(true);
    // The seeded system serves: a new customer orders.
    const api = new ApiClient(system.gatewayUrl);
    expect((await api.send('register', 'POST', '/identity/register', { body: { email: 'new@example.test', password: 'new-password' } })).status).toBe(201);
    const token = (await api.send('login', 'POST', '/identity/login', { body: { email: 'new@example.test', password: 'new-password' } })).body.accessToken;
    await system.settle();
    expect((await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 10 } })).status).toBe(204);
    expect([201, 202]).toContain((await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 1 } })).status);
    await system.settle();
  } finally {
    await system.close();
  }
  expect(count(dir, 'order', 'SELECT COUNT(*) FROM orders')).toBe(2_001);
  rmSync(dir, { recursive: true });
}, 120_000);

test('bench --seed-orders: rounds on an empty and a seeded data dir, alternating, each with its boot, first pass and cost', async () => {
  const seedDir = join(privateTmp(), 'seeded');
  const quiet: BenchListener = { phase: () => {}, tick: () => {}, phaseDone: () => {} };
  const options = { variant: 'http', seedOrders: 500, seedDir, rate: 10, durationSeconds: 2, warmupSeconds: 0, repeat: 2, users: 4, connections: 8, command: 'test', version: 'test' };
  const report = await runGrowth(options, quiet);
  expect(report.seed).toMatchObject({ orders: 500, users: 100, reused: false });
  expect(report.rounds.map((r) => `${r.round} ${r.data}`)).toEqual(['1 empty', '1 seeded', '2 seeded', '2 empty']);
  for (const round of report.rounds) {
    expect(Object.values(round.firstPass).every((n) => n === 0)).toBe(true);
    expect(round).toMatchObject({ orders: 20, pending: 0, errors: 0 });
    expect(round.cpuMsPerOrder).toBeGreaterThan(0);
    expect(round.bootMs).toBeGreaterThan(0);
  }
  expect(report.empty.cpuMsPerOrder.n).toBe(2);
  expect(report.ratio.cpuMsPerOrder.n).toBe(2);
  // The seeding is kept and reused: the same seeded data dir, now with the rounds' own orders too.
  const again = await runGrowth({ ...options, repeat: 1 }, quiet);
  expect(again.seed.reused).toBe(true);
  expect(count(seedDir, 'order', 'SELECT COUNT(*) FROM orders')).toBe(500 + 3 * 20);
  rmSync(join(seedDir, '..'), { recursive: true });
}, 240_000);
