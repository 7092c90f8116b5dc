import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { AmqpTransport } from '../../src/broker/amqp-transport.js';
import type { Message } from '../../src/broker/transport.js';
import { ROOT } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { connectionsNamed, forceCloseConnections, queuesNamed, rabbitmqUrl } from '../support/rabbitmq.js';
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
    await eventually('the message before the cut delivered', () => seen.includes(before.id));

    const connectionName = `orderctl.${transport.namespace}`;
    const [killed] = await forceCloseConnections(connectionName);
    expect(killed).toBeDefined();
    await eventually('a new connection', () => connectionsNamed(connectionName), (pids) => pids.some((pid) => pid !== killed));
    const after = orderPlaced();
    await transport.publish(after);

    await eventually('the message after the reconnect delivered', () => seen.includes(after.id));
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

describe('RabbitMQ namespaces', () => {
  /** Does the queue exist on the broker? (A passive declare on a channel of its own.) */
  async function queueExists(name: string): Promise<boolean> {
    const amqp = await import('amqplib');
    const connection = await amqp.connect(await rabbitmqUrl());
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      return await channel.checkQueue(name).then(() => true, () => false);
    } finally {
      await connection.close().catch(() => {});
    }
  }

  it('a throwaway namespace left behind by a killed process expires on its own; while its process lives it stays, consumers or not', async () => {
    const url = await rabbitmqUrl();
    // A process that declares a throwaway namespace with a 1.5 s lease, prints it, lives 4 s, then is killed.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { AmqpTransport } = await import('./src/broker/amqp-transport.ts');
      const t = await AmqpTransport.connect(${JSON.stringify(url)}, { expiresMs: 1500 });
      const sub = await t.subscribe('billing', ['OrderPlaced'], async () => {});
      await sub.close();
      console.log(t.namespace);
      setInterval(() => {}, 1000);
    `], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await eventually('the child printing its namespace', () => ({ out, exited: child.exitCode }), (c) => c.out.includes('\n') || c.exited !== null);
    expect(child.exitCode).toBeNull();
    const namespace = out.trim();
    await sleep(4_000);
    const prefix = `orderctl.${namespace}.`;
    expect((await queuesNamed(prefix)).sort()).toEqual(['billing', 'parked.billing', 'retry.1', 'retry.2', 'retry.3', 'retry.4'].map((q) => prefix + q));
    child.kill('SIGKILL');
    await eventually('the namespace expired', () => queuesNamed(prefix), (queues) => queues.length === 0);
  });

  it('a named namespace is kept on close, messages and all, and the next connection on it gets them', async () => {
    const url = await rabbitmqUrl();
    const namespace = `test-kept-${randomUUID().slice(0, 8)}`;
    const first = await AmqpTransport.connect(url, { namespace });
    const sub = await first.subscribe('billing', ['OrderPlaced'], async () => {});
    await sub.close();
    const waiting = orderPlaced();
    await first.publish(waiting);
    await first.close();
    expect(await queueExists(`orderctl.${namespace}.billing`)).toBe(true);

    const second = await AmqpTransport.connect(url, { namespace });
    const seen: string[] = [];
    await second.subscribe('billing', ['OrderPlaced'], async (d) => void seen.push(d.id));
    await eventually('the kept message delivered', () => seen.length, (n) => n === 1);
    expect(seen).toEqual([waiting.id]);
    await second.close();
    // Clean up what a kept namespace leaves by design.
    const amqp = await import('amqplib');
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    for (const q of ['billing', 'parked.billing', 'retry.1', 'retry.2', 'retry.3', 'retry.4']) await channel.deleteQueue(`orderctl.${namespace}.${q}`);
    for (const e of ['events', 'retry']) await channel.deleteExchange(`orderctl.${namespace}.${e}`);
    await connection.close();
  });
});
