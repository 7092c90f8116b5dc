import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { billingSchema, BillingService } from '../../src/services/billing/billing-service.js';
import { openDatabase, type StorePlace } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { eventually } from '../support/eventually.js';
import { privatePostgres } from '../support/private-postgres.js';

const ROOT = join(import.meta.dirname, '../..');
const WORKER = join(import.meta.dirname, '../support/store-worker.ts');
/** How many acknowledged deposits to let through before the crash: enough that some are still in flight to the disk. */
const BEFORE_CRASH = 400;

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

test('every deposit PostgreSQL acknowledged is still there after the server crashed (SIGKILL to the postmaster and every backend) and came back', async () => {
  const pg = await privatePostgres();
  stop = pg.stop;
  const place: StorePlace = { kind: 'postgres', url: pg.url, prefix: 'crash' };
  const setup = new Store(openDatabase(place, 'billing', billingSchema));
  new BillingService(setup).openAccount(undefined, 'saver');
  setup.close();

  // A billing replica deposits a cent at a time and says so once each deposit's commit was acknowledged.
  const worker = spawn(process.execPath, ['--import', 'tsx', WORKER, 'deposit', JSON.stringify(place), 'saver', '1000000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  worker.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // 'close': the process ended and all it wrote was read.
  const ended = new Promise((resolve) => worker.on('close', resolve));
  await eventually('deposits to be acknowledged', () => out.split('\n').length, (n) => n > BEFORE_CRASH);
  await pg.crash();
  await ended;
  const acked = out.split('\n').filter((l) => l.startsWith('acked')).length;

  await pg.start();
  const after = new Store(openDatabase(place, 'billing', billingSchema));
  try {
    const balance = new BillingService(after).account('saver').amountCents;
    // Every acknowledged deposit is kept; the one in flight when the server died may have committed too.
    expect(balance).toBeGreaterThanOrEqual(acked);
    expect(balance).toBeLessThanOrEqual(acked + 1);
    const ledger = after.sql("SELECT COALESCE(SUM(delta_cents), 0) AS total FROM ledger WHERE user_id = 'saver'").get() as { total: number | string };
    expect(Number(ledger.total)).toBe(balance);
  } finally {
    after.close();
  }
});
