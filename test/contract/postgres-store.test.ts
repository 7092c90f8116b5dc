import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PostgresDb } from '../../src/storage/postgres-db.js';
import { dropSchemas } from '../../src/storage/database.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';
import { sagaPartsContract } from './saga-parts-contract.js';
import { storeContract } from './store-contract.js';

// The PostgreSQL on 127.0.0.1:5432; each test gets schemas of its own, dropped afterwards.
storeContract('PostgreSQL', () => {
  const prefix = `test_${randomBytes(4).toString('hex')}`;
  return { place: { kind: 'postgres', url: POSTGRES_TEST_URL, prefix }, remove: () => dropSchemas(POSTGRES_TEST_URL, prefix, ['billing', 'unit']) };
});

sagaPartsContract('PostgreSQL', () => {
  const prefix = `test_${randomBytes(4).toString('hex')}`;
  return { place: { kind: 'postgres', url: POSTGRES_TEST_URL, prefix }, remove: () => dropSchemas(POSTGRES_TEST_URL, prefix, ['stock', 'delivery']) };
});

describe('transactions on PostgreSQL', () => {
  const schema = `test_${randomBytes(4).toString('hex')}_turns`;
  let db: PostgresDb;
  let other: PostgresDb;
  beforeAll(() => {
    db = new PostgresDb(POSTGRES_TEST_URL, schema);
    other = new PostgresDb(POSTGRES_TEST_URL, schema);
  });
  afterAll(() => {
    db.exec(`DROP SCHEMA ${schema} CASCADE`);
    db.close();
    other.close();
  });

  test('one that keeps losing to serialization conflicts runs alone: others of the schema wait until it is done', () => {
    // Whether another transaction of the schema could begin now (it takes the schema's turn lock shared).
    const othersMayBegin = () =>
      (other.prepare('SELECT pg_try_advisory_lock_shared(hashtext(?)) AS free').get(`orderctl turn ${schema}`) as { free: boolean }).free &&
      (other.prepare('SELECT pg_advisory_unlock_shared(hashtext(?)) AS done').get(`orderctl turn ${schema}`) as { done: boolean }).done;
    const seen: boolean[] = [];
    const result = db.transaction(() => {
      db.exec('SELECT 1');
      seen.push(othersMayBegin());
      if (seen.length < 4) throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual([true, true, false, false]);
    expect(othersMayBegin()).toBe(true);
  });

  test('a failure that is not a conflict is not tried again', () => {
    let tries = 0;
    expect(() =>
      db.transaction(() => {
        tries++;
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      }),
    ).toThrow('duplicate key');
    expect(tries).toBe(1);
  });
});
