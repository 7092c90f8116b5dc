// The system under test of `orderctl bench --soak` and `--seed-orders`, in a process of its own, started as
// `serve` starts it: boots (timing the boot and the first recovery pass), prepares customers, and answers
// for its memory, its CPU and the load's orders.
import pLimit from 'p-limit';
import { ApiClient } from '../scenarios/api-client.js';
import { closeAllSystems, type RunningSystem } from '../system/boot.js';
import { launchSystem } from '../system/launch.js';
import { findVariant } from '../variants/index.js';
import type { BenchUser } from './bench-protocol.js';
import { LOAD_ORDER } from './order-outcomes.js';
import type { FromSoakChild, LoadOrders, MemorySample, SoakTarget, ToSoakChild } from './soak-protocol.js';

const DEPOSIT = 1_000_000;
const MB = 1024 * 1024;
const send = (message: FromSoakChild) => {
  if (process.connected) process.send!(message);
};

let system: RunningSystem | undefined;
let api: ApiClient | undefined;
let tokens: string[] = [];
let cpuMark = process.cpuUsage();
let processesMark = 0;

/** Registers, logs in and funds `count` customers, 16 at a time. */
async function prepare(client: ApiClient, count: number, prefix: string): Promise<string[]> {
  const one = async (i: number): Promise<string> => {
    const email = `${prefix}-${i}@example.test`;
    const registered = await client.send('register', 'POST', '/identity/register', { body: { email, password: 'soak-password' } });
    if (registered.status !== 201) throw new Error(`registering a customer answered ${registered.status}`);
    const login = await client.send('login', 'POST', '/identity/login', { body: { email, password: 'soak-password' } });
    if (login.status !== 200) throw new Error(`logging a customer in answered ${login.status}`);
    const token = login.body.accessToken as string;
    for (let attempt = 0; ; attempt++) {
      const deposit = await client.send('deposit', 'POST', '/billing/account/deposit', { token, body: { amount: DEPOSIT } });
      if (deposit.status === 204) return token;
      if (attempt > 100) throw new Error(`a deposit answered ${deposit.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const limit = pLimit(16);
  const prepared = await Promise.all(Array.from({ length: count }, (_, i) => limit(() => one(i))));
  client.actions.length = 0;
  client.history.length = 0;
  return prepared;
}

async function start(target: SoakTarget): Promise<void> {
  const began = performance.now();
  system = await launchSystem(findVariant(target.variant), { broker: target.broker, store: target.store, processes: !!target.processes }, { dataDir: target.dataDir });
  const bootMs = performance.now() - began;
  // Boot starts the first recovery pass; one asked for now runs after it, so its end bounds the first one's.
  const passStarted = performance.now();
  const firstPass = { ...(await system.recovery.run()) };
  const firstPassMs = performance.now() - passStarted;
  api = new ApiClient(system.gatewayUrl);
  tokens = await prepare(api, target.users, target.userPrefix);
  await system.settle();
  const users: BenchUser[] = tokens.map((token) => ({ token }));
  send({ type: 'ready', url: system.gatewayUrl, path: '/api/v1/ordering/orders', users, bootMs: Math.round(bootMs), firstPassMs: Math.round(firstPassMs), firstPass, mallocMmapThreshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? null });
}

async function sample(): Promise<MemorySample> {
  const own = process.memoryUsage();
  const others = system?.processCosts ? (await system.processCosts()).reduce((sum, p) => sum + p.rssMb, 0) : 0;
  return { rssMb: Math.round((own.rss / MB + others) * 10) / 10, heapUsedMb: Math.round((own.heapUsed / MB) * 10) / 10 };
}

/** CPU seconds the service processes (with --processes) used so far. */
const othersCpuSeconds = async () => (system?.processCosts ? (await system.processCosts()).reduce((sum, p) => sum + p.cpuSeconds, 0) : 0);

/** The load's orders (an order of LOAD_ORDER placed since `since`) by whether they reached their final status, read through the public API. */
async function loadOrders(since: number): Promise<LoadOrders> {
  const limit = pLimit(8);
  const counts = { final: 0, pending: 0 };
  await Promise.all(
    tokens.map((token) =>
      limit(async () => {
        const answer = await api!.send('orders', 'GET', '/ordering/orders', { token });
        if (answer.status !== 200) throw new Error(`reading a customer's orders answered ${answer.status}`);
        for (const order of answer.body as { price: number; status: string; createdAt: string }[]) {
          if (order.price !== LOAD_ORDER.price || Date.parse(order.createdAt) < since) continue;
          counts[order.status === 'pending' ? 'pending' : 'final']++;
        }
      }),
    ),
  );
  api!.actions.length = 0;
  api!.history.length = 0;
  return counts;
}

let exiting: Promise<never> | undefined;
/** Closes the system (and its temporary data) and exits; once. */
function shutdown(code: number): Promise<never> {
  return (exiting ??= (async () => {
    setTimeout(() => process.exit(code || 1), 8_000).unref();
    await closeAllSystems().catch(() => {});
    process.exit(code);
  })());
}

process.on('disconnect', () => void shutdown(0));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));

process.on('message', (message: ToSoakChild) => {
  if (exiting) return;
  const run = async () => {
    switch (message.type) {
      case 'start':
        return start(message.target);
      case 'sample':
        return send({ type: 'sample', sample: await sample() });
      case 'mark':
        processesMark = await othersCpuSeconds();
        cpuMark = process.cpuUsage();
        return send({ type: 'marked' });
      case 'cpu': {
        const own = process.cpuUsage(cpuMark);
        const others = (await othersCpuSeconds()) - processesMark;
        return send({ type: 'cpu', cpuMs: Math.round(((own.user + own.system) / 1e3 + others * 1e3) * 10) / 10 });
      }
      case 'settle':
        await system?.settle(30_000);
        return send({ type: 'settled' });
      case 'orders':
        return send({ type: 'orders', orders: await loadOrders(message.since) });
      case 'stop':
        return shutdown(0);
    }
  };
  run().catch((error: Error) => {
    if (!exiting) send({ type: 'error', message: error.message });
  });
});
