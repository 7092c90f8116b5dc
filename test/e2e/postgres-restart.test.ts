import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { call, checkAfterFault, placeOrder, prepareUsers, type LoadOrder } from '../support/fault-load.js';
import { privatePostgres } from '../support/private-postgres.js';
import { deleteNamespace, rabbitmqUrl } from '../support/rabbitmq.js';

const USERS = 6;
const ORDERS = 36;
const PRICES = [5, 10, 20, 40].map((p) => p * 100);
/** How long the database stays down: long enough that every retry of a delivery falls inside the outage. */
const DOWN_MS = 6_000;

const figures: Record<string, unknown> = {};
afterAll(() => console.log(`PostgreSQL restart figures: ${JSON.stringify(figures)}`));

const cases = [
  { variant: 'hybrid', broker: false, processes: false, mode: 'fast' as const },
  { variant: 'hybrid', broker: true, processes: false, mode: 'immediate' as const },
  { variant: 'event-collaboration', broker: true, processes: true, mode: 'fast' as const },
  { variant: 'http', broker: false, processes: true, mode: 'immediate' as const },
  { variant: 'hybrid', broker: false, processes: false, mode: 'frozen' as const },
  { variant: 'event-collaboration', broker: true, processes: true, mode: 'frozen' as const },
];

/** Resolves with `work`'s value, or rejects when it has not settled within `ms` (a bound on a hung system, not a measure of speed). */
const settledWithin = <T>(work: Promise<T>, ms: number, what: string) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms).unref())]);

describe.each(cases)('PostgreSQL stopped or frozen ($mode) under load and back, serve running on: $variant, RabbitMQ $broker, --processes $processes', ({ variant, broker, processes, mode }) => {
  test('serve recovers by itself: every accepted order (plain and saga) ends final or at rest, money conserved, one notification each, nothing parked, health tells the truth, SIGTERM ends it', async () => {
    const pg = await privatePostgres();
    const tmp = privateTmp();
    const url = broker ? await rabbitmqUrl() : undefined;
    const args = ['serve', `--variant=${variant}`, '--port', '0', '--admin-port', '0', '--json-logs', '--store', pg.url, ...(url ? ['--broker', url] : []), ...(processes ? ['--processes'] : [])];
    const run = startCli(args, { TMPDIR: tmp }, 300_000);
    let namespace: string | undefined;
    try {
      await eventually('serve to start', () => run.stdout(), (out) => out.includes('"event":"started"') || run.child.exitCode !== null);
      const started = JSON.parse(run.stdout().split('\n').find((l) => l.includes('"event":"started"'))!);
      const gateway = started.gateway as string;
      namespace = started.namespace;
      const users = await prepareUsers(gateway, USERS, 100_00);
      // One order in three runs the saga (payment, reservation, delivery): its steps are messages and calls in flight when the database goes.
      const orders: LoadOrder[] = Array.from({ length: ORDERS }, (_, i) => ({ user: users[i % USERS], key: randomUUID(), priceCents: PRICES[i % PRICES.length], saga: i % 3 === 0, answers: [] }));
      await Promise.all(orders.slice(0, ORDERS / 3).map((o) => placeOrder(gateway, o)));
      // The rest go out while the database goes away: some are answered, some refused, some are between services.
      const inFlight = Promise.all(orders.slice(ORDERS / 3).map((o) => placeOrder(gateway, o)));
      let health: Awaited<ReturnType<typeof call>>;
      let cutWhileFrozen: number | undefined;
      if (mode === 'frozen') {
        pg.freeze();
        // A frozen server holds a call at most STALL_MS (5 s): serve answers, and every order sent is answered, before the server moves again.
        health = await settledWithin(call(gateway, 'GET', '/health'), 90_000, '/health while the database is frozen');
        await settledWithin(inFlight, 90_000, 'the orders sent while the database is frozen');
        // Answered (a status, or a connection cut at once, which the client retries with its key below); none waited for the thaw.
        expect(orders.slice(ORDERS / 3).map((o) => o.answers.at(-1)).filter((answer) => answer === 'TimeoutError' || answer === 'AbortError')).toEqual([]);
        cutWhileFrozen = orders.slice(ORDERS / 3).filter((o) => typeof o.answers.at(-1) !== 'number').length;
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
        pg.thaw();
      } else {
        await pg.halt(mode);
        health = await call(gateway, 'GET', '/health');
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
        await pg.start();
        await inFlight;
      }

      // The client retries what got no answer or a 5xx, with the same Idempotency-Key, until it is answered.
      for (const order of orders.filter((o) => typeof o.answers.at(-1) !== 'number' || (o.answers.at(-1) as number) >= 500)) {
        await eventually(`order ${order.key} to be answered`, async () => (await placeOrder(gateway, order), order.answers.at(-1)), (s) => typeof s === 'number' && s < 500, 60_000);
      }
      const result = await checkAfterFault(gateway, users, orders);
      const parked = await call(started.admin, 'GET', '/parked', readFileSync(started.adminTokenFile, 'utf8').trim());
      figures[`${variant} ${broker ? 'rabbitmq' : 'in-process'} ${processes ? 'processes' : 'one process'} ${mode}`] = { ...result, healthWhileDown: health.status, ...(cutWhileFrozen === undefined ? {} : { cutWhileFrozen }) };
      expect(result.problems).toEqual([]);
      expect(result.final).toBe(ORDERS);
      expect(health.status).toBe(503);
      expect((await call(gateway, 'GET', '/health')).status).toBe(200);
      expect(parked.status).toBe(200);
      expect(parked.body).toEqual([]);
      // serve said which services lost their database, and that they have it back (with --processes, from every process).
      const events = run.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      const lost = new Set(events.filter((e) => e.event === 'store-lost').map((e) => e.service));
      const back = new Set(events.filter((e) => e.event === 'store-regained').map((e) => e.service));
      expect(lost.size).toBeGreaterThan(0);
      expect(back).toEqual(lost);
      run.child.kill('SIGTERM');
      const done = await run.done;
      expect(done.code, `serve did not end on SIGTERM: ${done.stdout.slice(-3000)}`).toBe(0);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nserve said: ${run.stdout().slice(-4000)}`, { cause: error });
    } finally {
      run.child.kill('SIGKILL');
      await run.done;
      if (namespace) await deleteNamespace(url!, namespace);
      await pg.stop();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

test('serve --processes: a process that dies while the database is down is started again with growing pauses, each attempt logged, until the database is back', async () => {
  const pg = await privatePostgres();
  const tmp = privateTmp();
  const run = startCli(['serve', '--variant=http', '--processes', '--port', '0', '--admin-port', '0', '--json-logs', '--store', pg.url], { TMPDIR: tmp }, 300_000);
  try {
    await eventually('serve to start', () => run.stdout(), (out) => out.includes('"event":"started"') || run.child.exitCode !== null);
    const started = JSON.parse(run.stdout().split('\n').find((l) => l.includes('"event":"started"'))!);
    const billing = (started.processes as { service: string; pid: number }[]).find((p) => p.service === 'billing')!;
    await pg.halt('fast');
    process.kill(billing.pid, 'SIGKILL');
    const lines = (event: string) => run.stdout().split('\n').filter((l) => l.includes(`"event":"${event}"`)).map((l) => JSON.parse(l));
    await eventually('three failed starts of billing', () => lines('process-restart-failed').filter((l) => l.service === 'billing').length, (n) => n >= 3, 60_000);
    const failed = lines('process-restart-failed').filter((l) => l.service === 'billing');
    // Each pause is longer than the one before.
    expect(failed.map((l) => l.attempt)).toEqual(failed.map((_, i) => i + 1));
    for (let i = 1; i < failed.length; i++) expect(failed[i].delayMs).toBeGreaterThan(failed[i - 1].delayMs);
    expect(failed[0].error).toMatch(/billing stopped while starting/);
    await pg.start();
    await eventually('billing back', () => lines('process-restarted').filter((l) => l.service === 'billing').length, (n) => n === 1, 60_000);
    await eventually('billing healthy through the gateway', async () => (await call(started.gateway, 'GET', '/health')).body?.services?.billing, (s) => s === 'ok');
    // The other services found their connections gone too and connect again as they are asked.
    await eventually('every service healthy', async () => (await call(started.gateway, 'GET', '/health')).status, (s) => s === 200);
    const [user] = await prepareUsers(started.gateway, 1, 10_00);
    expect((await call(started.gateway, 'POST', '/ordering/orders', user.token, { price: 2 })).status).toBe(201);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nserve said: ${run.stdout().slice(-4000)}`, { cause: error });
  } finally {
    run.child.kill('SIGKILL');
    await run.done;
    await pg.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
