import { MemoryTransport } from '../broker/memory-transport.js';
import { ApiClient } from '../scenarios/api-client.js';
import { bootSystem } from '../system/boot.js';
import { variants } from '../variants/index.js';
import { TRAITS } from '../variants/variant.js';

/** How many HTTP exchanges one order of the all-REST style makes, client's included: counted on a probe order, not assumed. */
export async function httpOrderHops(): Promise<number> {
  const allRest = variants.find(TRAITS['all-rest']);
  if (!allRest) throw new Error('no built-in style has every link REST: the floor is measured on one');
  const system = await bootSystem({ variant: allRest, transport: new MemoryTransport() });
  try {
    const api = new ApiClient(system.gatewayUrl);
    const credentials = { email: 'floor@example.test', password: 'floor-password' };
    await api.send('register', 'POST', '/identity/register', { body: credentials });
    const { body } = await api.send('login', 'POST', '/identity/login', { body: credentials });
    await api.send('deposit', 'POST', '/billing/account/deposit', { token: body.accessToken, body: { amount: 10 } });
    await api.send('order', 'POST', '/ordering/orders', { token: body.accessToken, body: { price: 1 } });
    await system.settle();
    const order = api.actions.at(-1)!;
    return system.recorder.trace(order.traceId).filter((hop) => hop.kind === 'http').length;
  } finally {
    await system.close();
  }
}
