import type { ServiceClient } from '../../http/service-client.js';
import type { TraceContext } from '../../tracing/context.js';
import type { GatewayCommands, Reply } from '../../services/gateway/gateway-commands.js';

/**
 * Commands as REST calls to the service that owns the data (variants http and hybrid). The gateway
 * keeps no state: the client's request is the unit a retry repeats, with its Idempotency-Key.
 */
export function restCommands(http: ServiceClient): GatewayCommands {
  const relay = async (trace: TraceContext, to: string, method: string, path: string, body: unknown): Promise<Reply> => http.call(trace, to, method, path, body);
  return {
    register: (trace, form) => relay(trace, 'identity', 'POST', '/register', form),
    deposit: (trace, userId, amountCents, idempotencyKey) => relay(trace, 'billing', 'POST', `/accounts/${userId}/deposit`, { amountCents, idempotencyKey }),
    withdraw: (trace, userId, amountCents, idempotencyKey) => relay(trace, 'billing', 'POST', `/accounts/${userId}/withdraw`, { amountCents, idempotencyKey }),
    placeOrder: (trace, userId, priceCents, idempotencyKey, saga) => relay(trace, 'order', 'POST', '/orders', { userId, priceCents, idempotencyKey, ...saga }),
  };
}
