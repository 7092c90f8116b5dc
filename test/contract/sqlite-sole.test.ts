import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { SqliteDb } from '../../src/storage/sqlite-db.js';

const SQLITE_DB = join(import.meta.dirname, '../../src/storage/sqlite-db.ts');
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a file opened as its sole opener holds its lock: another connection is refused until it closes, then sees every commit', () => {
  dir = mkdtempSync(join(tmpdir(), 'orderctl-sole-'));
  const file = join(dir, 'unit.sqlite');
  const sole = new SqliteDb(file, { sole: true });
  sole.exec('CREATE TABLE t (n INTEGER)');
  for (let n = 1; n <= 3; n++) sole.transaction(() => sole.prepare('INSERT INTO t (n) VALUES (?)').run(n));
  // Another reader (waiting 100 ms for the lock, no more), as a test or an inspecting user would open it.
  const other = new Database(file, { timeout: 100 });
  try {
    expect(() => other.prepare('SELECT COUNT(*) AS n FROM t').get()).toThrow(/locked/);
    sole.close();
    expect(other.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3 });
  } finally {
    other.close();
  }
});

test('a sole opener killed (SIGKILL) leaves every transaction it committed to the next opener of the file', async () => {
  dir = mkdtempSync(join(tmpdir(), 'orderctl-sole-'));
  const file = join(dir, 'unit.sqlite');
  // A process commits 200 transactions as the file's sole opener, says so, and waits to be killed.
  const script = `
    const { SqliteDb } = await import(${JSON.stringify(SQLITE_DB)});
    const db = new SqliteDb(${JSON.stringify(file)}, { sole: true });
    db.exec('CREATE TABLE t (n INTEGER)');
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    for (let n = 1; n <= 200; n++) db.transaction(() => insert.run(n));
    process.stdout.write('committed\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('committed') && resolve());
    child.on('exit', (code) => reject(new Error(`the writer ended (${code}) before committing`)));
  });
  const ended = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await ended;
  const after = new SqliteDb(file);
  try {
    expect(after.prepare('SELECT COUNT(*) AS n, SUM(n) AS total FROM t').get()).toEqual({ n: 200, total: 20_100 });
  } finally {
    after.close();
  }
});
