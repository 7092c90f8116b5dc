import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import type { Hop } from '../../src/tracing/recorder.js';
import { answersOrdersLater } from '../../src/variants/variant.js';
import { variants } from '../../src/variants/index.js';
import { variantsOnBrokers } from '../support/transports.js';
import { arrange } from '../support/reference-flows.js';

const ARROWS = { http: '=>', publish: '~>', consume: '~~' } as const;

/** A trace as the reference flows write it: one line per hop, local work left out. */
const asFlow = (hops: Hop[]) => hops.filter((h) => h.kind !== 'local').map((h) => `${h.from} ${ARROWS[h.kind as keyof typeof ARROWS]} ${h.to} ${h.label}`);

describe.each(variantsOnBrokers(variants).map(({ variant, transport }) => [variant.name, transport.name, variant, transport] as const))('%s over the %s follows its reference flow', (name, _t, variant, transport) => {
  let system: RunningSystem;
  let api: ApiClient;
  const recordedFlow = async (traceId: string) => {
    expect(await system.settle()).toBe(true);
    return asFlow(system.recorder.trace(traceId));
  };

  beforeAll(async () => {
    system = await bootSystem({ variant, transport: await transport.make() });
    api = new ApiClient(system.gatewayUrl);
  });
  afterAll(() => system.close());

  test('registration', async () => {
    const answer = await api.send('register', 'POST', '/identity/register', { body: { email: `flow-${name}@example.test`, password: 'flow-password' } });
    expect(answer.status).toBe(201);
    const recorded = await recordedFlow(answer.traceId);
    expect(recorded).toEqual(arrange(variant.flows!.registration, recorded));
  });

  test('order placement', async () => {
    const email = `flow-order-${name}@example.test`;
    await api.send('register', 'POST', '/identity/register', { body: { email, password: 'flow-password' } });
    const { body } = await api.send('login', 'POST', '/identity/login', { body: { email, password: 'flow-password' } });
    await system.settle();
    const token = body.accessToken;
    expect((await api.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: 100 } })).status).toBe(204);

    const answer = await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 60 } });
    expect(answer.status).toBe(answersOrdersLater(variant) ? 202 : 201);
    const recorded = await recordedFlow(answer.traceId);
    expect(recorded).toEqual(arrange(variant.flows!.order, recorded));
  });
});
