import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { billingSchema, BillingService, MAX_BALANCE_CENTS, NO_ACCOUNT, NOT_ENOUGH_MONEY } from '../../src/services/billing/billing-service.js';
import { openDatabase, type Db } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';

const run = promisify(execFile);
let dir: string;
let db: Db;
let billing: BillingService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderctl-billing-'));
  db = openDatabase(dir, 'billing', billingSchema);
  billing = new BillingService(new Store(db));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const ledgerSum = (userId: string) => (db.prepare('SELECT COALESCE(SUM(delta_cents), 0) AS s FROM ledger WHERE user_id = ?').get(userId) as { s: number }).s;

describe('billing', () => {
  test('a fresh account holds 0 and opening it twice changes nothing', () => {
    billing.openAccount('u1');
    billing.deposit('u1', 500);
    expect(billing.openAccount('u1').amountCents).toBe(500);
  });

  test('a withdrawal beyond the balance is declined as a result, not an exception, and changes nothing', () => {
    billing.openAccount('u1');
    billing.deposit('u1', 1000);
    expect(billing.withdraw('u1', 1001)).toEqual({ ok: false, reason: NOT_ENOUGH_MONEY });
    expect(billing.withdraw('nobody', 1)).toEqual({ ok: false, reason: NO_ACCOUNT });
    expect(billing.account('u1').amountCents).toBe(1000);
    expect(ledgerSum('u1')).toBe(1000);
  });

  test('a deposit that would overflow the balance is refused with a 422 and changes nothing', () => {
    billing.openAccount('u1');
    billing.deposit('u1', MAX_BALANCE_CENTS - 10);
    expect(() => billing.deposit('u1', 11)).toThrow(expect.objectContaining({ status: 422 }));
    expect(billing.account('u1').amountCents).toBe(MAX_BALANCE_CENTS - 10);
  });

  test('a payment asked for twice is charged once', () => {
    billing.openAccount('u1');
    billing.deposit('u1', 1000);
    const first = billing.pay('p1', 'u1', 600);
    const again = billing.pay('p1', 'u1', 600);
    expect(first.status).toBe('succeeded');
    expect(again).toEqual(first);
    expect(billing.account('u1').amountCents).toBe(400);
    expect(() => billing.pay('p1', 'u1', 1)).toThrow(/other terms/);
  });

  test('processes racing on the same account never overdraw it and the ledger matches the balance', async () => {
    billing.openAccount('u1');
    billing.deposit('u1', 3_000);
    const worker = join(import.meta.dirname, '../support/withdraw-worker.ts');
    const racers = await Promise.all(
      [1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', worker, dir, 'u1', '1500', '1'], { cwd: join(import.meta.dirname, '../..') })),
    );
    const taken = racers.reduce((sum, r) => sum + Number(r.stdout), 0);
    expect(taken).toBe(3_000);
    expect(billing.account('u1').amountCents).toBe(0);
    expect(ledgerSum('u1')).toBe(billing.account('u1').amountCents);
  });
});
