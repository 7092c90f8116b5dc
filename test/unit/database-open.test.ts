import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { billingSchema } from '../../src/services/billing/billing-service.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const worker = join(import.meta.dirname, '../support/open-worker.ts');

test('replicas opening one fresh database in the same millisecond all succeed (schema and migrations are one transaction)', async () => {
  for (let round = 0; round < 4; round++) {
    const dir = mkdtempSync(join(tmpdir(), 'orderctl-open-'));
    try {
      const at = Date.now() + 2_000;
      const opened = await Promise.allSettled([1, 2, 3, 4].map(() => run(process.execPath, ['--import', 'tsx', worker, dir, String(at)], { cwd: ROOT })));
      expect(opened.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason.stderr || (o as PromiseRejectedResult).reason.message).trim().split('\n').filter((l) => /Error/.test(l)).join(' | '))).toEqual([]);
      const db = openDatabase(dir, 'billing', billingSchema, { releaseClaims: false });
      expect((db.pragma('table_info(outbox)') as { name: string }[]).map((c) => c.name)).toEqual(expect.arrayContaining(['kind', 'aggregate', 'claimed_until', 'attempts']));
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}, 120_000);
