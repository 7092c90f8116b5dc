import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { SERVICES } from '../../src/system/wiring.js';
import { loadScenarios, pickScenarios } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { bootProcesses } from '../../src/system/process-system.js';
import { findVariant } from '../../src/variants/index.js';
import { usesBroker } from '../../src/variants/variant.js';
import { cli, privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { checkAfterFault, placeOrder, prepareUsers, type LoadOrder } from '../support/fault-load.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';
import { queuesNamed, rabbitmqUrl } from '../support/rabbitmq.js';

const run = promisify(execFile);
const [crowd] = pickScenarios(await loadScenarios(), ['concurrent-orders']);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Consumers RabbitMQ counts on each queue of a namespace. */
async function consumersOf(namespace: string): Promise<Record<string, number>> {
  const { stdout } = await run('rabbitmqctl', ['-q', '--no-table-headers', 'list_queues', 'name', 'consumers']);
  return Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([name]) => name?.startsWith(`orderctl.${namespace}.`))
      .map(([name, n]) => [name.slice(`orderctl.${namespace}.`.length), Number(n)]),
  );
}

describe('replicas: several processes of a service, one address and the same queues', () => {
  test.each([
    ['hybrid', 'SQLite'],
    ['http', 'SQLite'],
    ['hybrid', 'PostgreSQL'],
  ])('%s on %s with billing×3 and notification×2: fifty customers racing keep every cent, every order ends final and is told once', async (name, store) => {
    const variant = findVariant(name);
    const system = await bootProcesses({ variant, broker: await rabbitmqUrl(), replicas: { billing: 3, notification: 2 }, ...(store === 'PostgreSQL' ? { store: POSTGRES_TEST_URL } : {}) });
    try {
      expect(system.processes!().filter((p) => p.service === 'billing')).toHaveLength(3);
      expect(system.processes!().filter((p) => p.service === 'notification')).toHaveLength(2);
      const result = await runScenario(system, crowd);
      expect(result.steps.filter((s) => !s.passed).map((s) => s.problems)).toEqual([]);
      if (usesBroker(variant)) {
        const consumers = await consumersOf(system.namespace!);
        // Competing consumers: every billing queue is consumed by the three billing processes.
        const billingQueues = Object.entries(consumers).filter(([queue]) => queue.startsWith('billing.'));
        expect(billingQueues.length).toBeGreaterThan(0);
        for (const [queue, n] of billingQueues) expect(n, queue).toBe(3);
      }
    } finally {
      await system.close();
    }
  });
});

describe('a replica killed with SIGKILL under load: the others finish its work', () => {
  test.each([
    ['http', 'SQLite'],
    ['event-collaboration', 'SQLite'],
    ['http', 'PostgreSQL'],
  ])('%s on %s, billing×2 and notification×2, one of each killed', async (name, store) => {
    const system = await bootProcesses({ variant: findVariant(name), broker: await rabbitmqUrl(), replicas: { billing: 2, notification: 2 }, ...(store === 'PostgreSQL' ? { store: POSTGRES_TEST_URL } : {}) });
    try {
      const gateway = `${system.gatewayUrl}/api/v1`;
      const users = await prepareUsers(gateway, 8, 100_00);
      const orders: LoadOrder[] = Array.from({ length: 64 }, (_, i) => ({ user: users[i % 8], key: randomUUID(), priceCents: [500, 1000, 2000, 4000][i % 4], answers: [] }));
      // Killed the moment the eighth answer is back (told, not polled for, so the rest are surely still in flight).
      let answered = 0;
      let eighth!: () => void;
      const eightAnswered = new Promise<void>((resolve) => (eighth = resolve));
      const inFlight = Promise.all(orders.map((o) => placeOrder(gateway, o).then(() => void (++answered === 8 && eighth()))));
      await Promise.race([eightAnswered, inFlight]);
      const victims = ['billing', 'notification'].map((service) => system.processes!().find((p) => p.service === service)!);
      for (const victim of victims) process.kill(victim.pid, 'SIGKILL');
      await inFlight;
      // A client that got no answer, or a 5xx from the replica that died under it, asks again with its Idempotency-Key.
      await Promise.all(orders.filter((o) => typeof o.answers.at(-1) !== 'number' || (o.answers.at(-1) as number) >= 500).map((o) => placeOrder(gateway, o)));
      const result = await checkAfterFault(gateway, users, orders);
      expect(result.problems).toEqual([]);
      expect(result.final).toBe(orders.length);
      expect(system.processes!().filter((p) => !p.alive).map((p) => p.service).sort()).toEqual(['billing', 'notification']);
    } finally {
      await system.close();
    }
  });
});

describe('serve --processes shuts every child down', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('%s: exit 0, no process left, every port closed, no queue left on the broker, no temp files', async (signal) => {
    const tmp = privateTmp();
    const serve = startCli(['serve', '--variant=hybrid', '--processes', '--replicas', 'billing=2', '--broker', await rabbitmqUrl(), '--port', '0', '--admin-port', '0', '--json-logs'], { TMPDIR: tmp });
    await eventually('serve to start (or exit)', () => serve.stdout(), (out) => out.includes('"event":"started"') || serve.child.exitCode !== null);
    if (!serve.stdout().includes('"event":"started"')) throw new Error(`serve did not start: ${serve.stdout()}`);
    const started = JSON.parse(serve.stdout().split('\n').find((l) => l.includes('"event":"started"'))!);
    const pids = (started.processes as { pid: number }[]).map((p) => p.pid);
    // Every service once, billing twice.
    expect(pids).toHaveLength(SERVICES.length + 1);
    expect(pids.every(alive)).toBe(true);
    const health = (await fetch(`${started.gateway}/health`).then((r) => r.json())) as { services: unknown };
    expect(health.services).toEqual({ identity: 'ok', billing: 'ok', order: 'ok', notification: 'ok', stock: 'ok', delivery: 'ok' });
    expect(await queuesNamed(`orderctl.${started.namespace}.`)).not.toEqual([]);
    // Ctrl-C in a terminal reaches the whole process group; a service manager's SIGTERM only the parent.
    if (signal === 'SIGINT') for (const pid of [serve.child.pid!, ...pids]) process.kill(pid, 'SIGINT');
    else serve.child.kill('SIGTERM');
    const { code, stderr } = await serve.done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    for (const url of Object.values(started.services as Record<string, string>)) expect(await fetch(url).then(() => 'open', () => 'closed')).toBe('closed');
    expect(await queuesNamed(`orderctl.${started.namespace}.`)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
  });

  test('a process that dies unasked is logged and started again; the system serves on', async () => {
    const tmp = privateTmp();
    const serve = startCli(['serve', '--variant=http', '--processes', '--port', '0', '--admin-port', '0', '--json-logs'], { TMPDIR: tmp });
    await eventually('serve to start (or exit)', () => serve.stdout(), (out) => out.includes('"event":"started"') || serve.child.exitCode !== null);
    if (!serve.stdout().includes('"event":"started"')) throw new Error(`serve did not start: ${serve.stdout()}`);
    const started = JSON.parse(serve.stdout().split('\n').find((l) => l.includes('"event":"started"'))!);
    const billing = (started.processes as { service: string; pid: number }[]).find((p) => p.service === 'billing')!;
    process.kill(billing.pid, 'SIGKILL');
    await eventually('the process-exited line', () => serve.stdout(), (out) => out.includes('"event":"process-exited"'));
    const exited = JSON.parse(serve.stdout().split('\n').find((l) => l.includes('"event":"process-exited"'))!);
    expect(exited).toMatchObject({ service: 'billing', pid: billing.pid, reason: 'SIGKILL', restarted: true });
    await eventually(
      'billing healthy again',
      () => fetch(`${started.gateway}/health`).then((r) => r.json()) as Promise<{ services?: Record<string, string> }>,
      (health) => health.services?.billing === 'ok',
    );
    serve.child.kill('SIGTERM');
    expect((await serve.done).code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
  });

  test('a process asked while it starts again answers once it is ready (its port may answer before it listens to the harness)', async () => {
    const system = await bootProcesses({ variant: findVariant('http'), restart: true });
    try {
      const killed = system.processes!().find((p) => p.service === 'order')!;
      process.kill(killed.pid, 'SIGKILL');
      await eventually('a new order process', () => system.processes!().some((p) => p.service === 'order' && p.alive && p.pid !== killed.pid));
      const counts = await system.recovery.run({ graceMs: 0 });
      expect(counts).toMatchObject({ sagasResumed: 0, ordersWaiting: 0 });
    } finally {
      await system.close();
    }
  });

  test('a process that dies unasked holding outbox claims: its successor sends those rows at once, not when their lease runs out', async () => {
    const system = await bootProcesses({ variant: findVariant('http'), restart: true });
    try {
      const billing = system.processes!().find((p) => p.service === 'billing')!;
      expect(billing.outboxOwners).toHaveLength(1);
      // A row its relay had claimed for an hour when it died: an event no route of http carries, dropped once sent.
      const db = new Database(join(system.dataDir, 'billing.sqlite'));
      const id = randomUUID();
      db.prepare(`INSERT INTO outbox (message_id, event, payload, headers, created_at, aggregate, claimed_by, claimed_until) VALUES (?, 'WithdrawalMade', '{}', '{}', ?, ?, ?, ?)`)
        .run(id, new Date().toISOString(), `claimed-${id}`, billing.outboxOwners[0], Date.now() + 3_600_000);
      process.kill(billing.pid, 'SIGKILL');
      await eventually('the claimed row sent by the new billing process', () => db.prepare('SELECT count(*) AS n FROM outbox WHERE message_id = ?').get(id) as { n: number }, (row) => row.n === 0);
      db.close();
      expect(system.processes!().filter((p) => p.service === 'billing' && p.alive)).toHaveLength(1);
    } finally {
      await system.close();
    }
  });

  test('a broker that cannot be reached stops the boot in one line and leaves no folder behind', async () => {
    const tmp = privateTmp();
    const { code, stderr } = await cli(['run', '--variant=hybrid', '--processes', '--broker', 'amqp://guest:guest@127.0.0.1:1', '--no-report'], { TMPDIR: tmp });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^orderctl: cannot reach RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/);
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
  });

  test('serve --service: identity and the gateway need ORDERCTL_JWT_SECRET; --replicas belongs to the whole system', async () => {
    const env = { ORDERCTL_JWT_SECRET: '' };
    const identity = await cli(['serve', '--service', 'identity', '--variant=http', '--port', '0'], env);
    expect(identity.code).toBe(2);
    expect(identity.stderr.trim()).toBe('orderctl: identity signs access tokens: set ORDERCTL_JWT_SECRET to the same secret in identity and the gateway');
    const replicas = await cli(['serve', '--service', 'billing', '--variant=http', '--replicas', 'billing=2'], env);
    expect(replicas.code).toBe(2);
    expect(replicas.stderr).toContain('--processes, --replicas and --admin-port belong to a serve of the whole system');
    const unknown = await cli(['serve', '--service', 'warehouse', '--variant=http'], env);
    expect(unknown.stderr.trim()).toBe(`orderctl: --service must be one of ${SERVICES.join(', ')}, not "warehouse"`);
  });

  test('a style with events refuses --processes without a broker, in one line', async () => {
    const { code, stderr } = await cli(['run', '--variant=hybrid', '--processes', '--no-report']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('orderctl: --processes with hybrid: messages between processes need a broker; add --broker amqp://guest:guest@127.0.0.1:5672 (the embedded one lives inside one process)');
  });
});
