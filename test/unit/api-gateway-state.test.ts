import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { configuredTokens, KEY_FILE, Tokens } from '../../src/core/tokens.js';
import { openDatabase } from '../../src/storage/database.js';
import { revocationSchema, storedRevocations } from '../../src/services/gateway/revocations.js';

/** What the gateway keeps on a data dir: the token key (unless a secret is configured) and the logged-out tokens. */
const openGatewayState = (dir: string, secret: string | undefined) => {
  const tokens = configuredTokens(dir, secret);
  const db = openDatabase(dir, 'gateway', revocationSchema);
  return { tokens, revoked: storedRevocations(db), close: () => db.close() };
};

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderctl-gw-state-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ann = { id: '6f1c2c1e-0000-4000-8000-000000000001', email: 'ann@example.test' };

test('a token issued before a restart on the same data directory is still valid after it', async () => {
  const dir = freshDir();
  const first = openGatewayState(dir, undefined);
  const token = await first.tokens.issue(ann);
  first.close();
  const second = openGatewayState(dir, undefined);
  expect(await second.tokens.verify(token)).toMatchObject({ userId: ann.id, email: ann.email });
  second.close();
  // Another data directory has another key.
  const elsewhere = openGatewayState(freshDir(), undefined);
  await expect(elsewhere.tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  elsewhere.close();
});

test('the key file is readable by its owner only', () => {
  const dir = freshDir();
  openGatewayState(dir, undefined).close();
  expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
});

test('a key file that holds no key is a usage error, not a silent new key', () => {
  const dir = freshDir();
  writeFileSync(join(dir, KEY_FILE), 'short\n', { mode: 0o600 });
  expect(() => openGatewayState(dir, undefined)).toThrow(/does not hold a token key/);
});

test('ORDERCTL_JWT_SECRET (or a given secret) wins over the key file, and none is written', async () => {
  const dir = freshDir();
  const state = openGatewayState(dir, 'a shared secret');
  const token = await state.tokens.issue(ann);
  state.close();
  expect(await new Tokens('a shared secret').verify(token)).toMatchObject({ userId: ann.id });
  expect(() => statSync(join(dir, KEY_FILE))).toThrow();
});

test('a logged-out token stays logged out after a restart; expired entries are dropped', () => {
  const dir = freshDir();
  const now = Math.floor(Date.now() / 1000);
  const first = openGatewayState(dir, undefined);
  first.revoked.revoke('live-jti', now + 3600);
  first.revoked.revoke('old-jti', now - 10);
  expect(first.revoked.has('live-jti')).toBe(true);
  first.close();
  const second = openGatewayState(dir, undefined);
  expect(second.revoked.has('live-jti')).toBe(true);
  expect(second.revoked.has('old-jti')).toBe(false);
  expect(second.revoked.has('never-revoked')).toBe(false);
  second.close();
  const db = openDatabase(dir, 'gateway', revocationSchema);
  expect(db.prepare('SELECT jti FROM revoked_tokens').all()).toEqual([{ jti: 'live-jti' }]);
  db.close();
});
