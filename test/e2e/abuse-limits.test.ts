import { afterAll, beforeAll, expect, test } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { call } from '../support/fault-load.js';

const LIMITS = { registrationsPerMinute: 3, loginsPerMinute: 100, wrongPasswordsBeforeLockout: 3, lockoutSeconds: 60, streamsPerUser: 2 };

let system: RunningSystem;
let api: string;
beforeAll(async () => {
  system = await bootSystem({ variant: variants.find((v) => v.name === 'hybrid')!, transport: new MemoryTransport(), limits: LIMITS });
  api = `${system.gatewayUrl}/api/v1`;
});
afterAll(() => system?.close());

const register = (email: string) => call(api, 'POST', '/identity/register', undefined, { email, password: 'right-password' });
const login = (email: string, password = 'right-password') => call(api, 'POST', '/identity/login', undefined, { email, password });

test('registrations from one address past the limit are refused with 429 and Retry-After; nothing is made for them', async () => {
  for (const name of ['ann', 'ben', 'cy']) expect((await register(`${name}@limits.test`)).status).toBe(201);
  const fetched = await fetch(`${api}/identity/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'dee@limits.test', password: 'right-password' }) });
  expect(fetched.status).toBe(429);
  expect(Number(fetched.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(((await fetched.json()) as { error: string }).error).toBe('TOO_MANY_REQUESTS');
  // Dee was never registered: she cannot log in.
  expect((await login('dee@limits.test')).status).toBe(401);
});

test('wrong passwords lock the account: then even the right one is refused (429), while other accounts log in', async () => {
  for (let i = 0; i < LIMITS.wrongPasswordsBeforeLockout; i++) expect((await login('ann@limits.test', 'wrong-password')).status).toBe(401);
  const locked = await login('ann@limits.test');
  expect(locked.status).toBe(429);
  expect(locked.body.message).toContain('locked after too many wrong passwords');
  expect((await login('ben@limits.test')).status).toBe(200);
});

test('a user may hold a bounded number of order event streams: one more is refused with 429, and a closed one frees its place', async () => {
  const { body } = await login('cy@limits.test');
  const token = body.accessToken as string;
  await system.stopService('billing');
  try {
    const placed = await call(api, 'POST', '/ordering/orders', token, { price: 1 });
    expect(placed.status).toBe(202);
    const open = () => {
      const abort = new AbortController();
      const response = fetch(`${api}/ordering/orders/${placed.body.id}/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
      return { response, abort };
    };
    const streams = [open(), open()];
    for (const s of streams) expect((await s.response).status).toBe(200);
    const third = open();
    expect((await third.response).status).toBe(429);
    streams[0].abort.abort();
    const again = open();
    let status = 0;
    for (let tries = 0; tries < 100 && status !== 200; tries++) {
      status = (await again.response).status;
      if (status !== 200) Object.assign(again, open());
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
    for (const s of [streams[1], again]) s.abort.abort();
  } finally {
    await system.startService('billing');
  }
});
