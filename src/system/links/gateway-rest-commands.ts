import type { ServiceClient } from '../../http/service-client.js';
import type { GatewayCommands, Reply } from '../../services/gateway/gateway-commands.js';

/**
 * Commands as REST calls to the service that owns the data (variants http and hybrid). The gateway
 * keeps no state: the client's request is the unit a retry repeats, with its Idempotency-Key.
 */
export function restCommands(http: ServiceClient): GatewayCommands {
  const relay = async (to: string, method: string, path: string, body: unknown): Promise<Reply> => http.call(to, method, path, body);
  return {
    register: (form) => relay('identity', 'POST', '/register', form),
    deposit: (userId, amountCents, idempotencyKey) => relay('billing', 'POST', `/accounts/${userId}/deposit`, { amountCents, idempotencyKey }),
    withdraw: (userId, amountCents, idempotencyKey) => relay('billing', 'POST', `/accounts/${userId}/withdraw`, { amountCents, idempotencyKey }),
    placeOrder: (userId, priceCents, idempotencyKey, saga) => relay('order', 'POST', '/orders', { userId, priceCents, idempotencyKey, ...saga }),
  };
}
