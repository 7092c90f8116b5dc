import { AmqpTransport } from '../../src/broker/amqp-transport.js';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import type { Transport } from '../../src/broker/transport.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { bootProcesses } from '../../src/system/process-system.js';
import { usesBroker, type Variant } from '../../src/variants/variant.js';
import { POSTGRES_TEST_URL } from './postgres.js';
import { rabbitmqUrl } from './rabbitmq.js';

/** The brokers every broker-dependent end-to-end test runs on: the in-process one and a real RabbitMQ. */
export const transports: { name: string; make: () => Promise<Transport> }[] = [
  { name: 'in-process broker', make: async () => new MemoryTransport() },
  { name: 'RabbitMQ', make: async () => AmqpTransport.connect(await rabbitmqUrl()) },
];

/** Every variant on every broker, except http on RabbitMQ: it never touches a broker. */
export const variantsOnBrokers = <V extends Variant>(variants: readonly V[]) =>
  transports.flatMap((t) => variants.filter((v) => t.name === transports[0].name || usesBroker(v)).map((v) => ({ variant: v, transport: t })));

/** Where a system runs in a test: one process on either broker, or one OS process per service over RabbitMQ, on SQLite or PostgreSQL. */
export interface Placement {
  name: string;
  boot(variant: Variant): Promise<RunningSystem>;
}

export const placements: Placement[] = [
  ...transports.map((t) => ({ name: t.name, boot: async (variant: Variant) => bootSystem({ variant, transport: await t.make() }) })),
  { name: 'processes over RabbitMQ', boot: async (variant: Variant) => bootProcesses({ variant, broker: await rabbitmqUrl() }) },
  // Throwaway schemas, dropped when the system closes.
  { name: 'processes over RabbitMQ on PostgreSQL', boot: async (variant: Variant) => bootProcesses({ variant, broker: await rabbitmqUrl(), store: POSTGRES_TEST_URL }) },
];

/** Every variant in every placement, except http on RabbitMQ in one process (it never touches a broker; across processes it runs without one). */
export const variantsPlaced = (variants: readonly Variant[]) =>
  placements.flatMap((p) => variants.filter((v) => p.name !== 'RabbitMQ' || usesBroker(v)).map((variant) => ({ variant, placement: p })));
