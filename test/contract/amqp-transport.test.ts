import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AmqpTransport } from '../../src/broker/amqp-transport.js';
import type { Message } from '../../src/broker/transport.js';
import { connectionsNamed, forceCloseConnections, rabbitmqUrl } from '../support/rabbitmq.js';
import { transportContract } from './transport-contract.js';

transportContract('RabbitMQ', async (policy) => AmqpTransport.connect(await rabbitmqUrl(), { policy }));

const orderPlaced = (): Message => ({
  id: randomUUID(),
  type: 'OrderPlaced',
  source: 'test',
  time: new Date().toISOString(),
  data: { orderId: randomUUID() },
  headers: {},
});

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${predicate.toString()}`);
    await sleep(50);
  }
}

describe('RabbitMQ transport', () => {
  let transport: AmqpTransport | undefined;

  afterEach(async () => {
    await transport?.close();
    transport = undefined;
  });

  it('keeps a subscription consuming across a lost connection: messages published after the reconnect arrive', async () => {
    transport = await AmqpTransport.connect(await rabbitmqUrl());
    const seen: string[] = [];
    await transport.subscribe('billing', ['OrderPlaced'], async (delivery) => {
      seen.push(delivery.id);
    });
    const before = orderPlaced();
    await transport.publish(before);
    await waitFor(() => seen.includes(before.id));

    const connectionName = `orderctl.${transport.namespace}`;
    const [killed] = await forceCloseConnections(connectionName);
    expect(killed).toBeDefined();
    await waitFor(async () => (await connectionsNamed(connectionName)).some((pid) => pid !== killed));
    const after = orderPlaced();
    await transport.publish(after);

    await waitFor(() => seen.includes(after.id));
    expect(seen).toEqual([before.id, after.id]);
  });

  it('rejects at once with a one-line hint, password masked, when RabbitMQ cannot be reached', async () => {
    const connecting = AmqpTransport.connect('amqp://guest:secret@127.0.0.1:1');

    await expect(connecting).rejects.toMatchObject({
      code: 'TRANSPORT_CLOSED',
      message: 'cannot reach RabbitMQ at amqp://guest:***@127.0.0.1:1 (ECONNREFUSED): start it with "rabbitmq-server -detached" or pass another --broker URL',
    });
  });
});
