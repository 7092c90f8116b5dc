import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { variants } from '../../src/variants/index.js';
import { usesBroker } from '../../src/variants/variant.js';
import { privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { call, checkAfterFault, placeOrder, prepareUsers, type LoadOrder } from '../support/fault-load.js';
import { deleteNamespace, rabbitmqUrl } from '../support/rabbitmq.js';
import { tcpProxy } from '../support/tcp-proxy.js';

const USERS = 6;
const ORDERS = 36;
const PRICES = [5, 10, 20, 40, 70].map((p) => p * 100);
const CUT_MS = 3_000;

const figures: Record<string, unknown> = {};
afterAll(() => console.log(`broker cut figures: ${JSON.stringify(figures)}`));

describe.each(variants.filter(usesBroker).map((v) => v.name))('the connection to RabbitMQ cut for %s s in the middle of a load: %s', (variant) => {
  test('clients get clear errors while it is down (never a 500), and afterwards every order is final, money conserved, one notification each', async () => {
    const rabbit = new URL(await rabbitmqUrl());
    const proxy = await tcpProxy(rabbit.hostname, Number(rabbit.port) || 5672);
    const dataDir = mkdtempSync(join(tmpdir(), 'orderctl-cut-'));
    const tmp = privateTmp();
    const serve = startCli(['serve', `--variant=${variant}`, '--port', '0', '--json-logs', '--data-dir', dataDir, '--broker', proxy.url(rabbit.toString())], { TMPDIR: tmp }, 300_000);
    let namespace: string | undefined;
    try {
      await eventually('serve to start', () => serve.stdout(), (out) => out.includes('"event":"started"'));
      const started = JSON.parse(serve.stdout().split('\n')[0]);
      namespace = started.namespace;
      const users = await prepareUsers(started.gateway, USERS, 100_00);
      const orders: LoadOrder[] = Array.from({ length: ORDERS }, (_, i) => ({ user: users[i % USERS], key: randomUUID(), priceCents: PRICES[i % PRICES.length], answers: [] }));
      const load = (async () => {
        for (let i = 0; i < ORDERS; i += 4) {
          await Promise.all(orders.slice(i, i + 4).map((o) => placeOrder(started.gateway, o)));
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      await new Promise((r) => setTimeout(r, 400));
      proxy.cut();
      // Once serve knows the broker is gone, an order is answered at once: accepted into the outbox, or 503 where it needs an answer over the broker (never a 504 after a timeout).
      await eventually('serve to hear the broker is gone', () => serve.stdout(), (out) => out.includes('"event":"broker-lost"'));
      const extra: LoadOrder = { user: users[0], key: randomUUID(), priceCents: 100, answers: [] };
      const duringCut = await call(started.gateway, 'POST', '/ordering/orders', extra.user.token, { price: 1 }, { 'idempotency-key': extra.key });
      extra.answers.push(duringCut.status);
      orders.push(extra);
      await new Promise((r) => setTimeout(r, CUT_MS));
      proxy.restore();
      await load;
      const whileDown = orders.flatMap((o) => o.answers).filter((a) => typeof a === 'number' && a >= 500);
      // Retried with the same key until an answer that is not a 5xx comes: nothing doubles.
      for (let round = 0; round < 20; round++) {
        const open = orders.filter((o) => typeof o.answers.at(-1) !== 'number' || (o.answers.at(-1) as number) >= 500);
        if (open.length === 0) break;
        await Promise.all(open.map((o) => placeOrder(started.gateway, o)));
        await new Promise((r) => setTimeout(r, 500));
      }
      const result = await checkAfterFault(started.gateway, users, orders);
      figures[variant] = { ...result, errorsWhileDown: whileDown.length };
      expect(serve.stdout()).toContain('"event":"broker-lost"');
      expect(serve.stdout()).toContain('"event":"broker-regained"');
      expect(whileDown.every((s) => s === 502 || s === 503 || s === 504)).toBe(true);
      expect(result.problems).toEqual([]);
      expect(result.final).toBe(ORDERS + 1);
      expect([201, 202, 503], JSON.stringify(duringCut.body)).toContain(duringCut.status);
      if (variant === 'event-collaboration') expect(duringCut.body.message).toMatch(/the broker is unreachable/);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
      await proxy.close();
      if (namespace) await deleteNamespace(rabbit.toString(), namespace);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
