import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { expect, test } from 'vitest';
import { cli, privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { deleteNamespace, queuesNamed, rabbitmqUrl } from '../support/rabbitmq.js';

test('a message no consumer can handle is parked with its reason, listed by `orderctl parked`, and replayed on request; serve keeps its namespace', async () => {
  const url = await rabbitmqUrl();
  const tmp = privateTmp();
  const namespace = `test-parked-${randomUUID().slice(0, 8)}`;
  const serve = startCli(['serve', '--variant=event-collaboration', '--port', '0', '--json-logs', '--broker', url, '--namespace', namespace], { TMPDIR: tmp });
  try {
    await eventually('serve to start', () => serve.stdout(), (out) => out.includes('"event":"started"'));
    const started = JSON.parse(serve.stdout().split('\n')[0]);
    expect(started.namespace).toBe(namespace);

    // Another client puts a payment command on the broker that billing refuses every time (a negative amount).
    const amqp = await import('amqplib');
    const connection = await amqp.connect(url);
    const channel = await connection.createConfirmChannel();
    const poisonId = randomUUID();
    channel.publish(`orderctl.${namespace}.events`, 'CreatePayment', Buffer.from(JSON.stringify({ paymentId: randomUUID(), userId: randomUUID(), amountCents: -5 })), { messageId: poisonId, type: 'CreatePayment', persistent: true });
    await channel.waitForConfirms();
    await connection.close();

    const listed = await eventually(
      'the poison message to be parked',
      async () => JSON.parse((await cli(['parked', '--admin', started.admin, '--admin-token-file', started.adminTokenFile, '--json'])).stdout),
      (groups) => groups.length > 0,
    );
    expect(listed).toHaveLength(1);
    const [{ group, messages }] = listed;
    expect(group).toContain('CreatePayment');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ id: poisonId, type: 'CreatePayment', attempts: 5 });
    expect(messages[0].reason).toMatch(/\S/);

    // The admin API answers only its token's holder.
    expect((await fetch(`${started.admin}/parked`)).status).toBe(401);
    expect((await fetch(`${started.admin}/parked/replay`, { method: 'POST', headers: { authorization: 'Bearer guess' } })).status).toBe(401);
    expect((await cli(['parked', '--admin', started.admin])).stderr).toContain('the admin API needs its token');
    const token = readFileSync(started.adminTokenFile, 'utf8').trim();
    expect(statSync(started.adminTokenFile).mode & 0o077).toBe(0);
    const status = (await (await fetch(`${started.admin}/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { recovery: { passes: number } };
    expect(status).toMatchObject({ variant: 'event-collaboration', namespace, stopped: [], unroutedEvents: {} });
    expect(status.recovery.passes).toBeGreaterThanOrEqual(1);

    const text = await cli(['parked', '--admin', started.admin, '--admin-token-file', started.adminTokenFile]);
    expect(text.stdout).toContain(`${group}: 1 parked`);
    expect(text.stdout).toContain(poisonId);

    const replay = await cli(['parked', 'replay', '--admin', started.admin, '--admin-token-file', started.adminTokenFile, '--group', group, '--id', poisonId]);
    expect(replay.stdout.trim()).toBe('Replayed 1 message.');
    // Billing still refuses it: after five more deliveries it is parked again, with a later time.
    const again = await eventually(
      'the replayed message to be parked again',
      async () => JSON.parse((await cli(['parked', '--admin', started.admin, '--admin-token-file', started.adminTokenFile, '--json'])).stdout)[0]?.messages[0],
      (m) => m !== undefined && m.parkedAt > messages[0].parkedAt,
    );
    expect(again.attempts).toBe(5);
  } finally {
    serve.child.kill('SIGTERM');
    await serve.done;
  }
  // A named namespace is kept after a clean stop, for the next start.
  expect((await queuesNamed(`orderctl.${namespace}.`)).length).toBeGreaterThan(0);
  expect(readdirSync(tmp)).toEqual([]);
  rmSync(tmp, { recursive: true });
  await deleteNamespace(url, namespace);
});

test('parked says in one line when no serve answers', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const { code, stderr } = await cli(['parked', 'replay', '--admin', `http://127.0.0.1:${port}`], { ORDERCTL_ADMIN_TOKEN: 'any' });
  expect(code).toBe(3);
  expect(stderr.trim()).toBe(`orderctl: no orderctl serve answers at http://127.0.0.1:${port} (ECONNREFUSED): start one, or pass the admin URL it printed with --admin`);
});
