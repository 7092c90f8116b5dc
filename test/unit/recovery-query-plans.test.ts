import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedDataDir } from '../../src/bench/seed-data-dir.js';
import { GROWING_TABLES, recordRecoveryPass, type RecordedPass } from '../support/recovery-stores.js';

describe('the recovery pass on a data dir a long run left (SQLite)', () => {
  let dir: string;
  let pass: RecordedPass;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orderctl-plans-'));
    await seedDataDir(dir, { orders: 2_000 });
    pass = await recordRecoveryPass({ kind: 'sqlite', dir }, dir);
  });
  afterAll(() => {
    pass?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('touches nothing old: every count is zero, and no other service is called', () => {
    expect(Object.values(pass.counts).every((n) => n === 0)).toBe(true);
  });

  test('runs every recovery query of every service, each on an index: EXPLAIN QUERY PLAN scans no table that grows', () => {
    const all = pass.ran.flatMap((r) => r.statements.map((s) => s.sql));
    // The pass's own queries are there (so the plans below are of what it really runs).
    for (const table of ['users', 'recovery_marks', 'orders', 'waiting_notifications', 'waiting_details', 'idempotency_keys', 'inbox']) expect(all.some((sql) => sql.includes(table)), table).toBe(true);
    const scans: string[] = [];
    for (const { service, statements } of pass.ran) {
      const db = new Database(join(dir, `${service}.sqlite`), { readonly: true });
      try {
        for (const { sql, params } of statements) {
          const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
          for (const { detail } of plan) {
            const scanned = /^SCAN (\w+)/.exec(detail)?.[1];
            // Reading the first LIMIT rows in an index's order (the oldest waiting) is bounded; any other scan reads the whole table.
            const boundedByIndex = / USING (COVERING )?INDEX /.test(detail) && /\bLIMIT \?$/.test(sql.trim());
            if (scanned && GROWING_TABLES.includes(scanned) && !boundedByIndex) scans.push(`${service}: ${detail} in ${sql}`);
          }
        }
      } finally {
        db.close();
      }
    }
    expect(scans).toEqual([]);
  });
});
