import { AppError } from '../core/errors.js';
import { isBrokerUrl, maskUrl } from './broker-url.js';
import { MemoryTransport } from './memory-transport.js';
import type { Transport } from './transport.js';
import { usesBroker, type Variant } from '../variants/variant.js';

/**
 * Opens the broker a command asked for: the in-process one by default, RabbitMQ for an amqp(s):// URL
 * (amqplib is loaded only then). A style that never uses a broker (`http`) gets no connection at all,
 * so a broker that is down does not stop it.
 */
export async function openTransport(url?: string, variant?: Variant): Promise<Transport> {
  if (!url || (variant && !usesBroker(variant))) return new MemoryTransport();
  if (!isBrokerUrl(url)) throw new AppError('USAGE', `not an amqp:// or amqps:// URL: "${maskUrl(url)}"`);
  const { AmqpTransport } = await import('./amqp-transport.js');
  return AmqpTransport.connect(url);
}
