import { AppError } from '../core/errors.js';
import { isBrokerUrl, maskUrl } from './broker-url.js';
import { MemoryTransport } from './memory-transport.js';
import type { Transport } from './transport.js';

/** Opens the broker a command asked for: the in-process one by default, RabbitMQ for an amqp(s):// URL (amqplib is loaded only then). */
export async function openTransport(url?: string): Promise<Transport> {
  if (!url) return new MemoryTransport();
  if (!isBrokerUrl(url)) throw new AppError('USAGE', `not an amqp:// or amqps:// URL: "${maskUrl(url)}"`);
  const { AmqpTransport } = await import('./amqp-transport.js');
  return AmqpTransport.connect(url);
}
