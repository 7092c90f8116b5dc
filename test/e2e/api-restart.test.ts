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
