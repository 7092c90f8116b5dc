import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { PostgresDb } from '../../src/storage/postgres-db.js';
import { isUniqueViolation } from '../../src/storage/sql-db.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';

// A schema of its own on the test server, dropped afterwards.
const schema = `test_${randomBytes(4).toString('hex')}_trips`;
let db: PostgresDb;
beforeAll(() => {
  db = new PostgresDb(POSTGRES_TEST_URL, schema);
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL)');
});
beforeEach(() => db.exec('DELETE FROM t'));
afterAll(() => {
  db.exec(`DROP SCHEMA ${schema} CASCADE`);
  db.close();
});

/** Round trips `fn` costs. */
function tripsOf(fn: () => void): number {
  const before = db.roundTrips;
  fn();
  return db.roundTrips - before;
}

const count = () => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;

test('writes whose counts nobody reads go with the COMMIT: a transaction of writes is one round trip, one that sends nothing none', () => {
  const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?)');
  expect(tripsOf(() => db.transaction(() => ['a', 'b', 'c'].forEach((id, n) => insert.run(id, n))))).toBe(1);
  expect(tripsOf(() => db.transaction(() => undefined))).toBe(0);
  expect(count()).toBe(3);
});

test('a read takes the writes before it along (BEGIN with them): read then write is two round trips, and the read sees the writes', () => {
  const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?)');
  let seen = 0;
  expect(
    tripsOf(() =>
      db.transaction(() => {
        insert.run('a', 1);
        seen = count();
        insert.run('b', 2);
      }),
    ),
  ).toBe(2);
  expect(seen).toBe(1);
  expect(count()).toBe(2);
});

test("a write's count read at once is sent at once, and is right", () => {
  const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT DO NOTHING');
  db.transaction(() => {
    expect(insert.run('a', 1).changes).toBe(1);
    expect(insert.run('a', 2).changes).toBe(0);
  });
});

test('a write sent later that fails fails its transaction where it is sent, and nothing of the transaction stays', () => {
  const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?)');
  let failure: unknown;
  try {
    db.transaction(() => {
      insert.run('a', 1);
      insert.run('a', 2);
    });
  } catch (error) {
    failure = error;
  }
  expect(isUniqueViolation(failure)).toBe(true);
  expect(count()).toBe(0);
  // The connection is usable at once: no transaction was left open.
  expect(tripsOf(() => db.transaction(() => insert.run('b', 1)))).toBe(1);
  expect(count()).toBe(1);
});

test('getLast sends the COMMIT with the last statement (one round trip in all); a statement after it throws, and what it committed stays', () => {
  const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?)');
  const total = db.prepare('INSERT INTO t (id, n) VALUES (?, ?) RETURNING (SELECT COUNT(*) FROM t) AS before');
  let row: unknown;
  expect(
    tripsOf(() => {
      row = db.transaction(() => {
        insert.run('a', 1);
        return total.getLast!('b', 2);
      });
    }),
  ).toBe(1);
  expect(row).toEqual({ before: 1 });
  expect(() =>
    db.transaction(() => {
      total.getLast!('c', 3);
      insert.run('d', 4);
    }),
  ).toThrow(/committed with its last statement/);
  expect((db.prepare('SELECT id FROM t ORDER BY id').all() as { id: string }[]).map((r) => r.id)).toEqual(['a', 'b', 'c']);
});

test('a savepoint that throws undoes its writes, sent or not, and the rest of the transaction stays', () => {
  const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?)');
  db.transaction(() => {
    insert.run('kept', 1);
    expect(() =>
      db.transaction(() => {
        insert.run('undone', 2);
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(() =>
      db.transaction(() => {
        insert.run('sent', 3);
        count();
        throw new Error('refused after a read');
      }),
    ).toThrow('refused after a read');
    insert.run('after', 4);
  });
  expect((db.prepare('SELECT id FROM t ORDER BY id').all() as { id: string }[]).map((r) => r.id)).toEqual(['after', 'kept']);
});
