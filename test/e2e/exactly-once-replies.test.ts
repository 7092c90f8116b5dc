import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Message, Transport } from '../../src/broker/transport.js';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { findVariant } from '../../src/variants/index.js';
import { forwarding } from '../support/forwarding-transport.js';
import { transports } from '../support/transports.js';

/** The real broker, except that the next `times` publishes of each type in `failing` are refused (as a broker that is away refuses them). */
function refusingPublishes(inner: Transport, failing: Record<string, number>): Transport {
  const left = { ...failing };
  return forwarding(inner, {
    publish: async (message: Message) => {
      if ((left[message.type] ?? 0) > 0) {
        left[message.type]--;
        throw new Error(`broker refused ${message.type}`);
      }
      await inner.publish(message);
    },
  });
}

describe.each(transports.map((t) => [t.name, t] as const))('failure replies whose publish fails, on the %s', (_name, { make }) => {
  let system: RunningSystem;
  let api: ApiClient;
  let token: string;
  const form = { email: 'refused@example.test', password: 'refused-password' };
  beforeAll(async () => {
    const transport = refusingPublishes(await make(), { WithdrawFailed: 2, RegistrationFailed: 2, DepositFailed: 2 });
    system = await bootSystem({ variant: findVariant('event-collaboration'), transport, commandTimeoutMs: 4_000 });
    api = new ApiClient(system.gatewayUrl);
    expect((await api.send('register', 'POST', '/identity/register', { body: form })).status).toBe(201);
    token = (await api.send('login', 'POST', '/identity/login', { body: form })).body.accessToken;
  });
  afterAll(() => system.close());

  test('a refused withdrawal still answers 422 when the broker first refuses its WithdrawFailed reply', async () => {
    await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 10 } });
    const answer = await api.send('withdraw', 'POST', '/billing/account/withdraw', { token, body: { amount: 50 } });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toBe('not enough money');
    expect((await api.send('balance', 'GET', '/billing/account', { token })).body.amount).toBe(10);
  });

  test('a refused registration still answers 409 when the broker first refuses its RegistrationFailed reply', async () => {
    const answer = await api.send('register', 'POST', '/identity/register', { body: form });
    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe('email is already registered');
  });
});
