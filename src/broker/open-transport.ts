import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../core/errors.js';
import { isBrokerUrl, maskUrl } from './broker-url.js';
import { MemoryTransport } from './memory-transport.js';
import type { Transport } from './transport.js';
import { usesBroker, type Variant } from '../variants/variant.js';

/** How long-lived the broker's state is: throwaway (run, bench, tests) or kept with a data dir across restarts (serve). */
export interface DurableBroker {
  /** The data dir of the system: the embedded broker keeps its queues in `broker.sqlite` there. */
  dataDir?: string;
  /** RabbitMQ namespace to keep across restarts; without one a throwaway namespace is used. */
  namespace?: string;
  /** The namespace is throwaway and shared by the processes of one system; the harness deletes it. */
  shared?: boolean;
}

/**
 * Opens the broker a command asked for: the in-process one by default, RabbitMQ for an amqp(s):// URL
 * (amqplib is loaded only then). A style that never uses a broker (`http`) gets no connection at all,
 * so a broker that is down does not stop it. With `durable`, what is queued outlives the process.
 */
export async function openTransport(url?: string, variant?: Variant, durable: DurableBroker = {}): Promise<Transport> {
  if (!url || (variant && !usesBroker(variant))) return new MemoryTransport(durable.dataDir ? { journal: join(durable.dataDir, 'broker.sqlite') } : {});
  if (!isBrokerUrl(url)) throw new AppError('USAGE', `not an amqp:// or amqps:// URL: "${maskUrl(url)}"`);
  const { AmqpTransport } = await import('./amqp-transport.js');
  return AmqpTransport.connect(url, durable.namespace ? { namespace: durable.namespace, shared: durable.shared } : {});
}

/** `serve-hybrid-3f2a9c1d`: the same for the same style and data dir on every restart, and different for another data dir, so two systems never share queues. */
export function defaultNamespace(variant: Variant, dataDir: string): string {
  return `serve-${variant.name}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}
