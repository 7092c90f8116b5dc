import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Transport } from '../../src/broker/transport.js';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { findVariant } from '../../src/variants/index.js';
import { forwarding } from '../support/forwarding-transport.js';
import { transports } from '../support/transports.js';

/** A broker on which every command of `type` goes astray (no consumer is bound to where it lands), so no reply comes. */
const losing = (inner: Transport, type: string): Transport =>
  forwarding(inner, { request: (m, o) => inner.request(m.type === type ? { ...m, type: `${type}.astray` } : m, o) });

describe.each(transports.map((t) => [t.name, t] as const))('a reply that never comes, on the %s', (_name, { make }) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant: findVariant('event-collaboration'), transport: losing(await make(), 'RegistrationRequested'), commandTimeoutMs: 300 });
  });
  afterAll(() => system.close());

  test('answers the client 504 with a clear message, and nothing was registered', async () => {
    const api = new ApiClient(system.gatewayUrl);
    const form = { email: 'lost@example.test', password: 'lost-password' };
    const answer = await api.send('register', 'POST', '/identity/register', { body: form });
    expect(answer.status).toBe(504);
    expect(answer.body.message).toMatch(/^no UserCreated \/ RegistrationFailed reply to RegistrationRequested\S* within 300 ms$/);
    expect((await api.send('login', 'POST', '/identity/login', { body: form })).status).toBe(401);
  });
});
