import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { MODULES } from '../../src/services/modules.js';
import { dropSchemas } from '../../src/storage/database.js';
import { throwawayPrefix } from '../../src/system/store-schemas.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';
import { GROWING_TABLES, recordRecoveryPass } from '../support/recovery-stores.js';

test('PostgreSQL: every query of the recovery pass can use an index (EXPLAIN with sequential scans off shows no Seq Scan of a table that grows)', async () => {
  const prefix = throwawayPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'orderctl-plans-'));
  const pass = await recordRecoveryPass({ kind: 'postgres', url: POSTGRES_TEST_URL, prefix }, dir);
  try {
    expect(Object.values(pass.counts).every((n) => n === 0)).toBe(true);
    const all = pass.ran.flatMap((r) => r.statements.map((s) => s.sql));
    for (const table of ['users', 'orders', 'waiting_notifications', 'idempotency_keys', 'inbox']) expect(all.some((sql) => sql.includes(table)), table).toBe(true);
    const scans: string[] = [];
    for (const { service, db, statements } of pass.ran) {
      // Empty tables are cheapest to scan: with sequential scans priced out, a Seq Scan left means no index fits.
      db.inner.exec('SET enable_seqscan = off');
      for (const { sql, params } of statements) {
        const plan = db.inner.prepare(`EXPLAIN ${sql}`).all(...params) as { 'QUERY PLAN': string }[];
        for (const line of plan.map((row) => row['QUERY PLAN'])) {
          const scanned = /Seq Scan on (\w+)/.exec(line)?.[1];
          if (scanned && GROWING_TABLES.includes(scanned)) scans.push(`${service}: ${line.trim()} in ${sql}`);
        }
      }
      db.inner.exec('RESET enable_seqscan');
    }
    expect(scans).toEqual([]);
  } finally {
    pass.close();
    dropSchemas(POSTGRES_TEST_URL, prefix, Object.keys(MODULES));
    rmSync(dir, { recursive: true });
  }
});
