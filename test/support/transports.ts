import { AmqpTransport } from '../../src/broker/amqp-transport.js';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import type { Transport } from '../../src/broker/transport.js';
import { rabbitmqUrl } from './rabbitmq.js';

/** The brokers every broker-dependent end-to-end test runs on: the in-process one and a real RabbitMQ. */
export const transports: { name: string; make: () => Promise<Transport> }[] = [
  { name: 'in-process broker', make: async () => new MemoryTransport() },
  { name: 'RabbitMQ', make: async () => AmqpTransport.connect(await rabbitmqUrl()) },
];

/** Every variant on every broker, except http on RabbitMQ: it never touches a broker. */
export const variantsOnBrokers = <V extends { name: string }>(variants: readonly V[]) =>
  transports.flatMap((t) => variants.filter((v) => t.name === transports[0].name || v.name !== 'http').map((v) => ({ variant: v, transport: t })));
