import { randomBytes } from 'node:crypto';
import { afterAll, expect, test } from 'vitest';
import { SERVICES } from '../../src/system/wiring.js';
import { PostgresDb } from '../../src/storage/postgres-db.js';
import { cli, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';

// A database of this file's own, created by the first command that uses it (as a user's would be) and dropped at the end.
const database = `orderctl_cli_${randomBytes(3).toString('hex')}`;
const url = POSTGRES_TEST_URL.replace(/\/[^/]*$/, `/${database}`);
const admin = () => new PostgresDb(POSTGRES_TEST_URL.replace(/\/[^/]*$/, '/postgres'), 'public');
const schemas = () => {
  const db = new PostgresDb(url, 'public');
  try {
    return (db.prepare("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname NOT IN ('public', 'information_schema') ORDER BY 1").all() as { nspname: string }[]).map((r) => r.nspname);
  } finally {
    db.close();
  }
};
afterAll(() => {
  const db = admin();
  try {
    db.exec(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    db.close();
  }
});

const gatewayOf = async (serve: ReturnType<typeof startCli>) => /Gateway: (\S+)/.exec(await eventually('serve to start', serve.stdout, (out) => /Gateway: (\S+)/.test(out)))![1];
const post = (gateway: string, path: string, body: unknown) =>
  fetch(`${gateway}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('run --store: the database is created on first use, every expectation holds, and the throwaway schemas are gone afterwards', async () => {
  const out = await cli(['run', '--variant=hybrid', '--scenario', 'happy-path', '--no-report', '--json', '--store', url]);
  expect(out.stderr).not.toMatch(/NOTICE|error/i);
  expect(out.code).toBe(0);
  expect(JSON.parse(out.stdout).passed).toBe(true);
  expect(schemas()).toEqual([]);
});

test('serve --store --namespace keeps the data across a restart, in schemas <namespace>_<service>', async () => {
  const args = ['serve', '--variant=http', '--port', '0', '--admin-port', '0', '--store', url, '--namespace', 'shop'];
  const first = startCli(args);
  const gateway = await gatewayOf(first);
  expect(first.stdout()).toContain('Databases: PostgreSQL');
  expect((await post(gateway, '/identity/register', { email: 'kept@example.com', password: 'password1' })).status).toBeLessThan(300);
  first.child.kill('SIGTERM');
  expect((await first.done).code).toBe(0);
  expect(schemas()).toEqual(SERVICES.map((s) => `shop_${s}`).sort());

  const second = startCli(args);
  const again = await gatewayOf(second);
  const login = await post(again, '/identity/login', { email: 'kept@example.com', password: 'password1' });
  second.child.kill('SIGTERM');
  expect((await second.done).code).toBe(0);
  expect(login.status).toBe(200);
});

test('a --store that is not a postgres:// URL is one line and exit code 2; a server that cannot be reached, one line and exit code 3', async () => {
  const wrong = await cli(['run', '--variant=http', '--no-report', '--store', 'mysql://root@127.0.0.1/x']);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toContain('must be a postgres:// URL');
  const down = await cli(['run', '--variant=http', '--no-report', '--store', 'postgres://postgres:secret@127.0.0.1:1/x']);
  expect(down.code).toBe(3);
  expect(down.stderr.trim().split('\n')).toHaveLength(1);
  expect(down.stderr).toMatch(/cannot open the database in PostgreSQL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x\): connect ECONNREFUSED 127\.0\.0\.1:1/);
  expect(down.stdout).toBe('');
  expect(down.stderr).not.toContain('secret');
});
