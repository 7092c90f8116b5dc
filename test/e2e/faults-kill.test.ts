import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { variants } from '../../src/variants/index.js';
import { usesBroker } from '../../src/variants/variant.js';
import { privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { checkAfterFault, placeOrder, prepareUsers, type LoadOrder } from '../support/fault-load.js';
import { deleteNamespace, rabbitmqUrl } from '../support/rabbitmq.js';

const USERS = 8;
const ORDERS = 48;
const PRICES = [5, 10, 20, 40, 70].map((p) => p * 100);

/** `serve` on a data dir, with the broker given, until it printed its started line. */
async function serve(dataDir: string, variant: string, broker: string | undefined, tmp: string) {
  const args = ['serve', `--variant=${variant}`, '--port', '0', '--json-logs', '--data-dir', dataDir, ...(broker ? ['--broker', broker] : [])];
  const run = startCli(args, { TMPDIR: tmp }, 300_000);
  await eventually('serve to start (or exit)', () => run.stdout(), (out) => out.includes('"event":"started"') || run.child.exitCode !== null);
  if (!run.stdout().includes('"event":"started"')) throw new Error(`serve did not start: ${run.stdout()}`);
  const started = JSON.parse(run.stdout().split('\n').find((l) => l.includes('"event":"started"'))!);
  return { run, gateway: started.gateway as string, namespace: started.namespace as string | undefined };
}

const figures: Record<string, unknown> = {};
afterAll(() => console.log(`kill -9 figures: ${JSON.stringify(figures)}`));

const cases = [undefined, 'rabbitmq'].flatMap((broker) => variants.filter((v) => !broker || usesBroker(v)).map((v) => ({ variant: v.name, broker })));

describe.each(cases)('serve killed with SIGKILL under load, restarted on its data dir: $variant on $broker', ({ variant, broker }) => {
  test('every accepted order ends final, money is conserved exactly, one notification per order', async () => {
    const url = broker ? await rabbitmqUrl() : undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'orderctl-kill-'));
    const tmp = privateTmp();
    let current = await serve(dataDir, variant, url, tmp);
    try {
      const users = await prepareUsers(current.gateway, USERS, 100_00);
      const orders: LoadOrder[] = Array.from({ length: ORDERS }, (_, i) => ({ user: users[i % USERS], key: randomUUID(), priceCents: PRICES[i % PRICES.length], answers: [] }));
      // Half the load goes out; while the second half is in flight the process is killed.
      await Promise.all(orders.slice(0, ORDERS / 2).map((o) => placeOrder(current.gateway, o)));
      const second = orders.slice(ORDERS / 2);
      // Killed the moment the third answer is back (told, not polled for): the rest are somewhere between gateway, queues and stores.
      let answered = 0;
      let third!: () => void;
      const threeAnswered = new Promise<void>((resolve) => (third = resolve));
      const inFlight = Promise.all(second.map((o) => placeOrder(current.gateway, o).then(() => void (++answered === 3 && third()))));
      await Promise.race([threeAnswered, inFlight]);
      current.run.child.kill('SIGKILL');
      await Promise.all([inFlight, current.run.done]);

      current = await serve(dataDir, variant, url, tmp);
      // The client retries what it got no answer to, with the same Idempotency-Key.
      await Promise.all(orders.filter((o) => typeof o.answers.at(-1) !== 'number' || (o.answers.at(-1) as number) >= 500).map((o) => placeOrder(current.gateway, o)));
      const result = await checkAfterFault(current.gateway, users, orders);
      figures[`${variant} on ${broker ?? 'in-process'}`] = result;
      expect(result.problems).toEqual([]);
      expect(result.final).toBe(ORDERS);
    } finally {
      current.run.child.kill('SIGTERM');
      await current.run.done;
      if (current.namespace) await deleteNamespace(url!, current.namespace);
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
