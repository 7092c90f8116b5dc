import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem } from '../../src/system/boot.js';
import { findVariant } from '../../src/variants/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'orderctl-restart-'));
const secret = process.env.ORDERCTL_JWT_SECRET;
afterAll(() => {
  if (secret !== undefined) process.env.ORDERCTL_JWT_SECRET = secret;
  rmSync(dataDir, { recursive: true, force: true });
});

test('tokens survive a restart on the same --data-dir: a live one keeps working, a logged-out one stays out', async () => {
  delete process.env.ORDERCTL_JWT_SECRET;
  const form = { email: 'restart@example.test', password: 'restart-password' };
  const first = await bootSystem({ variant: findVariant('http'), dataDir });
  let live: string;
  let loggedOut: string;
  try {
    const api = new ApiClient(first.gatewayUrl);
    expect((await api.send('register', 'POST', '/identity/register', { body: form })).status).toBe(201);
    loggedOut = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
    live = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
    expect((await api.send('logout', 'POST', '/identity/logout', { token: loggedOut })).status).toBe(204);
  } finally {
    await first.close();
  }

  const second = await bootSystem({ variant: findVariant('http'), dataDir });
  try {
    const api = new ApiClient(second.gatewayUrl);
    expect((await api.send('balance', 'GET', '/billing/account', { token: live })).status).toBe(200);
    const refused = await api.send('balance', 'GET', '/billing/account', { token: loggedOut });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 401, error: 'UNAUTHORIZED', message: expect.stringContaining('logged out') });
  } finally {
    await second.close();
  }
});

test('a token signed with the same key for a user identity no longer has (its database lost) is refused, and orders nothing', async () => {
  process.env.ORDERCTL_JWT_SECRET = 'one secret for both systems';
  const form = { email: 'gone@example.test', password: 'gone-password' };
  let token: string;
  const first = await bootSystem({ variant: findVariant('http') });
  try {
    const api = new ApiClient(first.gatewayUrl);
    expect((await api.send('register', 'POST', '/identity/register', { body: form })).status).toBe(201);
    token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
    expect((await api.send('balance', 'GET', '/billing/account', { token })).status).toBe(200);
  } finally {
    await first.close();
  }
  // The same key, fresh data: the token's signature holds, its user does not exist.
  const second = await bootSystem({ variant: findVariant('http') });
  try {
    const api = new ApiClient(second.gatewayUrl);
    const refused = await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 1 } });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'UNAUTHORIZED', message: 'the user of this access token no longer exists' });
    // Asked identity about the user; reached nothing else.
    expect([...new Set(second.recorder.all().filter((hop) => hop.from === 'gateway' && hop.to !== 'gateway').map((hop) => hop.to))]).toEqual(['identity']);
  } finally {
    await second.close();
    delete process.env.ORDERCTL_JWT_SECRET;
  }
});

test('the health endpoint names the style it runs', async () => {
  const system = await bootSystem({ variant: findVariant('hybrid') });
  try {
    const health = await fetch(`${system.gatewayUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', variant: 'hybrid', services: { identity: 'ok', billing: 'ok', order: 'ok', notification: 'ok', stock: 'ok', delivery: 'ok' } });
  } finally {
    await system.close();
  }
});
