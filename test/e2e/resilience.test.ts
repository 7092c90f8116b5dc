import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { BUILTIN_VARIANTS_DIR } from '../../src/variants/index.js';
import { loadVariantFile } from '../../src/variants/variant-file.js';

// The http style hardened as its example file says: payment calls time out after 2 s, are tried again
// twice, and after 5 failures in a row Billing is left alone for 5 s.
const hardened = loadVariantFile(join(BUILTIN_VARIANTS_DIR, 'examples/http-hardened.yaml'));
let system: RunningSystem;
let api: ApiClient;
let token: string;
beforeAll(async () => {
  // The recovery pass runs when the test says (its calls to billing go through the same breaker).
  system = await bootSystem({ variant: hardened, recovery: { graceMs: 100, everyMs: 3_600_000 } });
  api = new ApiClient(system.gatewayUrl);
  const form = { email: 'hardened@example.test', password: 'hardened-password' };
  await api.send('register', 'POST', '/identity/register', { body: form });
  token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
  await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } });
});
afterAll(() => system.close());

const order = (key: string) => api.send('order', 'POST', '/ordering/orders', { token, body: { price: 10 }, headers: { 'idempotency-key': key } });
const paymentCalls = (traceId: string) => system.recorder.trace(traceId).filter((h) => h.kind === 'http' && h.label === 'POST /payments');
const notes = (traceId: string) => system.recorder.trace(traceId).filter((h) => h.kind === 'local').map((h) => h.label);

test('with billing stopped the breaker opens: clients get a clear 503 at once, nothing is charged twice, and it closes once billing is back', async () => {
  await system.stopService('billing');
  // Each order's payment call is tried three times (the first and two retries), each a hop of its own.
  const first = await order('k-1');
  expect(first.status).toBe(502);
  expect(paymentCalls(first.traceId)).toHaveLength(3);
  // The second order's second attempt is the fifth failure in a row: the circuit opens, and its last retry is refused without a call.
  const second = await order('k-2');
  expect(second.status).toBe(503);
  expect(paymentCalls(second.traceId)).toHaveLength(2);
  expect(notes(second.traceId)).toEqual(['order pending', 'circuit to billing opened after 5 failures in a row', 'circuit to billing open: not called']);

  const fast = await order('k-3');
  expect(fast.status).toBe(503);
  expect(fast.body.message).toMatch(/^billing is failing: order stopped calling it for 5 s \(circuit open\)/);
  expect(paymentCalls(fast.traceId)).toHaveLength(0);
  expect(notes(fast.traceId)).toContain('circuit to billing open: not called');

  await system.startService('billing');
  // Until the reset time has passed the circuit stays open; then one call goes through and closes it.
  await new Promise((r) => setTimeout(r, 5_200));
  const back = await order('k-4');
  expect(back.status).toBe(201);
  expect(notes(back.traceId)).toContain('circuit to billing closed again');

  // Orders left pending by the failed calls are settled by the recovery pass, each charged once.
  await system.recovery.run();
  await system.settle();
  const orders = (await api.send('orders', 'GET', '/ordering/orders', { token })).body as { status: string; price: number }[];
  const charged = orders.filter((o) => o.status === 'succeeded').length;
  expect((await api.send('balance', 'GET', '/billing/account', { token })).body.amount).toBe(100 - charged * 10);
  // A client retrying with its key gets the one order its key made, never a second charge.
  const again = await order('k-1');
  expect([201, 422]).toContain(again.status);
  expect((await api.send('balance', 'GET', '/billing/account', { token })).body.amount).toBe(100 - charged * 10);
}, 60_000);
