// The system under test of `orderctl bench`, in a process of its own: boots what it is told,
// prepares customers, and after the load reports its CPU, memory and what its recording says.
import express from 'express';
import { createServer, type Server } from 'node:http';
import { closeServer, listen } from '../http/service-app.js';
import { ApiClient } from '../scenarios/api-client.js';
import { checkInvariants } from '../scenarios/invariants.js';
import type { RunContext, UserState } from '../scenarios/run-context.js';
import { closeAllSystems, type RunningSystem } from '../system/boot.js';
import { launchSystem } from '../system/launch.js';
import { startHopChain } from './hop-chain.js';
import { startExpertReference, type ExpertReference } from './expert/expert-reference.js';
import { findVariant } from '../variants/index.js';
import { traitsOf } from '../variants/variant.js';
import type { FromChild, ProcessCost, SutStats, Target, ToChild } from './bench-protocol.js';
import { orderHops } from './order-hops.js';
import { orderOutcomes } from './order-outcomes.js';
import { PROBE_ITEM, probeSagas } from './saga-probe.js';

const DEPOSIT = 1_000_000;
/** Sagas of each kind (handed to delivery, cancelled by delivery) the probe places after each traced load. */
const SAGAS_PROBED = 10;
const send = (message: FromChild) => {
  if (process.connected) process.send!(message);
};

let system: RunningSystem | undefined;
let baseline: { close(): Promise<void> } | undefined;
let reference: ExpertReference | undefined;
/** The reference while it starts: an interrupt then still closes it (and deletes its temporary data dir). */
let referenceStarting: Promise<ExpertReference> | undefined;
let costsAtLoad: ProcessCost[] = [];
let users: UserState[] = [];
let api: ApiClient | undefined;
let cpuAtLoad = process.cpuUsage();
let loadStart = 0;

async function prepare(url: string, count: number): Promise<UserState[]> {
  api = new ApiClient(url);
  const client = api;
  const one = async (i: number): Promise<UserState> => {
    const user: UserState = { alias: `bench-${i}`, email: `bench-${i}@example.test`, password: 'bench-password', depositedCents: 0, withdrawnCents: 0, movedKeys: new Set<string>() };
    const registered = await client.send('register', 'POST', '/identity/register', { body: { email: user.email, password: user.password } });
    if (registered.status !== 201) throw new Error(`registering a bench user answered ${registered.status}`);
    user.id = registered.body.id;
    const login = await client.send('login', 'POST', '/identity/login', { body: { email: user.email, password: user.password } });
    if (login.status !== 200) throw new Error(`logging a bench user in answered ${login.status}`);
    user.token = login.body.accessToken;
    for (let attempt = 0; ; attempt++) {
      const deposit = await client.send('deposit', 'POST', '/billing/account/deposit', { token: user.token, body: { amount: DEPOSIT } });
      if (deposit.status === 204) break;
      if (attempt > 50) throw new Error(`the bench deposit answered ${deposit.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    user.depositedCents = DEPOSIT * 100;
    return user;
  };
  const prepared: UserState[] = [];
  for (let i = 0; i < count; i += 16) prepared.push(...(await Promise.all(Array.from({ length: Math.min(16, count - i) }, (_, j) => one(i + j)))));
  return prepared;
}

async function start(target: Target, count: number): Promise<void> {
  if (target.kind === 'variant') {
    const variant = findVariant(target.variant);
    system = await launchSystem(variant, { broker: target.broker, store: target.store, processes: !!target.processes, replicas: target.processes?.replicas }, { tracing: target.tracing, capacity: target.capacity });
    users = await prepare(system.gatewayUrl, count);
    await system.settle();
    send({ type: 'ready', url: system.gatewayUrl, path: '/api/v1/ordering/orders', users: users.map((u) => ({ token: u.token! })) });
    return;
  }
  if (target.kind === 'hop-chain') {
    const chain = await startHopChain(target.hops);
    baseline = chain;
    // Posted exactly like an order (JSON body, bearer token), which the chain passes on without reading.
    send({ type: 'ready', url: chain.url, path: '/', users: [{ token: 'floor' }] });
    return;
  }
  if (target.kind === 'expert-reference') {
    referenceStarting = startExpertReference(count, DEPOSIT * 100);
    reference = await referenceStarting;
    baseline = reference;
    send({ type: 'ready', url: reference.url, path: reference.path, users: reference.users.map((u) => ({ token: u.token })) });
    return;
  }
  if (target.kind === 'express-hello') {
    const app = express();
    app.get('/', (_req, res) => void res.send('hello'));
    const { server, url } = await listen(app);
    baseline = { close: () => closeServer(server) };
    send({ type: 'ready', url, path: '/', users: [] });
    return;
  }
  const server: Server = createServer((_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseline = { close: () => closeServer(server) };
  const address = server.address() as { port: number };
  send({ type: 'ready', url: `http://127.0.0.1:${address.port}`, path: '/', users: [] });
}

/** Waits for the system to be quiet for as long as it keeps working: a declared capacity can leave a backlog far longer than one settle's bound. */
async function settleWhileWorking(running: RunningSystem): Promise<void> {
  const recorded = () => running.recorder.window.kept + running.recorder.window.dropped;
  for (let round = 0; round < 20; round++) {
    const before = recorded();
    if (await running.settle(30_000)) return;
    if (recorded() === before) return;
  }
}

/**
 * What the system says after the load. Its CPU (and each service process's) covers exactly the measured window: from
 * `load-started` until the load's orders have settled; orders are counted after that, so reading them costs nothing
 * counted; the saga probe and the consistency check come after too.
 */
async function collect(leaveOut: string[] = [], sagas = true): Promise<SutStats> {
  if (system) await settleWhileWorking(system);
  reference?.settle();
  const cpu = process.cpuUsage(cpuAtLoad);
  const stats: SutStats = { cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 1000) / 1000, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  if (reference) stats.completedInWindow = reference.completedSince(loadStart);
  if (system?.processCosts) {
    const before = new Map(costsAtLoad.map((c) => [c.pid, c.cpuSeconds]));
    stats.processes = (await system.processCosts()).map((c) => ({ ...c, cpuSeconds: Math.round((c.cpuSeconds - (before.get(c.pid) ?? 0)) * 1000) / 1000, rssMb: Math.round(c.rssMb) }));
  }
  if (system) {
    const { finalInWindow, ...outcomes } = await orderOutcomes(api!, users.map((u) => u.token!), loadStart);
    stats.completedInWindow = finalInWindow;
    if (system.recorder.enabled) stats.orders = { ...outcomes, ...orderHops(system.recorder.all(), loadStart, new Set(leaveOut)) };
    // The saga, timed on its own after the load (from the recording, so only when recording).
    if (system.recorder.enabled && sagas) stats.saga = await probeSagas(system, api!, users[0].token!, SAGAS_PROBED);
    const ctx: RunContext = {
      api: api!,
      variant: system.variant.name,
      traits: traitsOf(system.variant),
      runId: 'bench',
      users: new Map(users.map((u) => [u.alias, u])),
      orders: new Map(),
      crowds: 0,
      catalog: new Map(stats.saga ? [[PROBE_ITEM.sku, { sku: PROBE_ITEM.sku, initial: PROBE_ITEM.available }]] : []),
    };
    const checked = await checkInvariants(ctx, ['money-conserved', 'orders-final', 'one-notification-per-order', ...(stats.saga ? (['sagas-final', 'stock-balanced'] as const) : [])]);
    stats.consistency = { ok: (checked.problems ?? []).length === 0, problems: checked.problems ?? [], summary: checked.summary ?? '' };
  }
  return stats;
}

let exiting: Promise<never> | undefined;
/** Closes whatever is open (a system still booting too, and with it its temporary data directory) and exits; once. */
function shutdown(code: number): Promise<never> {
  return (exiting ??= (async () => {
    const failsafe = setTimeout(() => process.exit(code || 1), 8_000);
    failsafe.unref();
    await Promise.allSettled([closeAllSystems(), baseline?.close(), referenceStarting?.then((r) => r.close())]);
    process.exit(code);
  })());
}

// The bench tells us to stop; if it dies instead (its IPC channel closes), or someone signals us, we stop by ourselves.
process.on('disconnect', () => void shutdown(0));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));

process.on('message', (message: ToChild) => {
  if (exiting) return;
  const run = async () => {
    if (message.type === 'start') await start(message.target, message.users);
    else if (message.type === 'load-started') {
      cpuAtLoad = process.cpuUsage();
      costsAtLoad = (await system?.processCosts?.()) ?? [];
      loadStart = performance.timeOrigin + performance.now();
      send({ type: 'counting' });
    } else if (message.type === 'settle') {
      if (system) await settleWhileWorking(system);
      reference?.settle();
      send({ type: 'settled' });
    } else if (message.type === 'collect') send({ type: 'stats', stats: await collect(message.leaveOut, message.sagas) });
    else await shutdown(0);
  };
  run().catch(async (error: Error) => {
    if (exiting) return;
    await system?.close().catch(() => {});
    send({ type: 'error', message: error.message });
  });
});
