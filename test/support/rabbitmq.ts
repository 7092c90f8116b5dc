import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { maskUrl } from '../../src/broker/broker-url.js';

const DEFAULT_URL = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * The RabbitMQ the tests run against (`ORDERCTL_TEST_AMQP_URL`, else the local default).
 * Throws, saying how to start it, when nothing listens there: the tests fail, never skip.
 */
export async function rabbitmqUrl(): Promise<string> {
  const url = process.env.ORDERCTL_TEST_AMQP_URL ?? DEFAULT_URL;
  const { hostname, port, protocol } = new URL(url);
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) || (protocol === 'amqps:' ? 5671 : 5672), timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => socket.destroy(new Error('no answer within 3 s')));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `RabbitMQ is not reachable at ${maskUrl(url)} (${error.code ?? error.message}): ` +
            'start it with "rabbitmq-server -detached" (as root), or point ORDERCTL_TEST_AMQP_URL at a running broker',
        ),
      ),
    );
  });
  return url;
}

const run = promisify(execFile);

/** Closes, on the broker side, every connection whose client named itself `connectionName`; returns their ids. */
export async function forceCloseConnections(connectionName: string): Promise<string[]> {
  const pids = await connectionsNamed(connectionName);
  for (const pid of pids) await run('rabbitmqctl', ['-q', 'close_connection', pid, 'closed by test']);
  return pids;
}

/** Broker-side process ids of the connections whose client named itself `connectionName`. */
export async function connectionsNamed(connectionName: string): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', '--no-table-headers', 'list_connections', 'pid', 'client_properties']);
  return stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0]);
}

/** Names of the queues on the broker that start with `prefix`, read with rabbitmqctl, which (unlike a passive declare) does not count as using them. */
export async function queuesNamed(prefix: string): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['-q', '--no-table-headers', 'list_queues', 'name']);
  return stdout.split('\n').map((l) => l.trim()).filter((name) => name.startsWith(prefix));
}

/** Deletes what a kept namespace leaves behind by design (its queues and exchanges), after a test that used one. */
export async function deleteNamespace(url: string, namespace: string): Promise<void> {
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of await queuesNamed(`orderctl.${namespace}.`)) await channel.deleteQueue(queue);
    for (const exchange of ['events', 'retry']) await channel.deleteExchange(`orderctl.${namespace}.${exchange}`);
  } finally {
    await connection.close().catch(() => {});
  }
}
