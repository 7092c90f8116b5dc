import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AmqpTransport } from '../broker/amqp-transport.js';
import { MemoryTransport } from '../broker/memory-transport.js';
import type { Transport } from '../broker/transport.js';
import { AppError } from '../core/errors.js';
import { isBrokerFault, type Fault, type FaultReport } from '../faults/fault.js';
import { persistentKey, Tokens } from '../core/tokens.js';
import { lockDataDir } from '../storage/data-dir-lock.js';
import { Recorder } from '../tracing/recorder.js';
import { variantRef } from '../variants/index.js';
import { usesBroker, type Variant } from '../variants/variant.js';
import { tracked, type RunningSystem, type StoppableService } from './boot.js';
import type { ProcessStatus } from './harness-messages.js';
import { brokerNeeded, handlesTokens, planProcesses, type Replicas } from './process-plan.js';
import { holdFreePorts } from './free-ports.js';
import { ProcessSupervisor } from './process-supervisor.js';
import type { Ask } from './service-process.js';
import { untilQuiet } from './quiet.js';
import type { Recovery, RecoveryCounts } from './recovery.js';
import { storeSchemas } from './store-schemas.js';
import { SERVICES, type ServiceName } from './wiring.js';

/** How to boot a variant as one OS process per service (and replica). */
export interface ProcessBootOptions {
  variant: Variant;
  /** RabbitMQ URL; needed by every style that sends messages between services. */
  broker?: string;
  /** Keep the databases (and the broker namespace) here; temporary otherwise. */
  dataDir?: string;
  /** PostgreSQL URL: each service keeps its data in schema `<namespace>_<service>` there instead of SQLite (throwaway schemas are dropped on close). */
  store?: string;
  gatewayPort?: number;
  replicas?: Replicas;
  /** Record hops (default true). */
  tracing?: boolean;
  /** How long the processes may take to start. */
  startTimeoutMs?: number;
  /** RabbitMQ namespace (and PostgreSQL schema prefix) to keep across restarts (serve on a data dir); a throwaway one, deleted on close, when absent. */
  namespace?: string;
  /** Start a process again when it dies unasked (what serve does, as a container runtime would); off for runs and tests. */
  restart?: boolean;
  /** Hears when a process dies unasked, and whether it is started again. */
  onExit?: (event: { service: ServiceName; pid: number; reason: string; restarted: boolean }) => void;
}

const STOP_MS = 20_000;

type Totals = RecoveryCounts & { passes: number };

/** Boots `variant` with every service in a process of its own (replicas sharing its port), and collects their hops. */
export function bootProcesses(options: ProcessBootOptions): Promise<RunningSystem> {
  return tracked(() => start(options));
}

async function start(options: ProcessBootOptions): Promise<RunningSystem> {
  const { variant } = options;
  const broker = usesBroker(variant) ? options.broker : undefined;
  if (usesBroker(variant) && !broker) throw new AppError('USAGE', brokerNeeded([variant.name]));
  const dataDir = options.dataDir ? resolve(options.dataDir) : await mkdtemp(join(tmpdir(), 'orderctl-'));
  let unlock = () => {};
  let admin: Transport = new MemoryTransport();
  const removeTemp = () => (options.dataDir ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  // A namespace given is kept (serve on a data dir gives the one it would use in one process); else a throwaway one, shared by the processes.
  const namespace = options.namespace ?? `run-${randomBytes(4).toString('hex')}`;
  const shared = !options.namespace;
  let secret: string;
  try {
    await mkdir(dataDir, { recursive: true });
    if (options.dataDir) unlock = lockDataDir(dataDir);
    // Identity signs and the gateway checks tokens with one secret, handed to both in their environment.
    secret = process.env.ORDERCTL_JWT_SECRET || Buffer.from(persistentKey(dataDir)).toString('base64');
    if (broker) {
      const { AmqpTransport } = await import('../broker/amqp-transport.js');
      admin = await AmqpTransport.connect(broker, { namespace, shared });
    }
  } catch (error) {
    unlock();
    await removeTemp();
    throw error;
  }
  const tokens = new Tokens(secret);
  const fixed = options.gatewayPort ? [options.gatewayPort] : [];
  const free = await holdFreePorts(SERVICES.length - fixed.length, fixed);
  const picked = [...free.ports];
  const ports = new Map<ServiceName, number>(SERVICES.map((service) => [service, service === 'gateway' && options.gatewayPort ? options.gatewayPort : picked.pop()!]));
  const url = (service: ServiceName) => `http://127.0.0.1:${ports.get(service)}`;
  const plan = planProcesses({ variant: variantRef(variant), broker, namespace, sharedNamespace: shared, host: '127.0.0.1', port: (s) => ports.get(s)!, url, dataDir, store: options.store, replicas: options.replicas ?? {} });

  const recorder = new Recorder(options.tracing ?? true);
  const passListeners: ((counts: RecoveryCounts) => void)[] = [];
  let closing: Promise<void> | undefined;
  const processes = new ProcessSupervisor({
    env: (planned): Record<string, string> => (handlesTokens(planned.service) ? { ORDERCTL_JWT_SECRET: secret } : {}),
    hops: (hops) => recorder.ingest(hops),
    recovery: (counts) => passListeners.forEach((listener) => listener(counts)),
    restart: options.restart,
    onExit: options.onExit,
  });
  const starting = plan.flatMap((planned) => Array.from({ length: planned.replicas }, (_, i) => processes.spawn(planned, i + 1)));
  /** The consumer groups the processes reported in their last status. */
  const knownGroups = () => [...new Set(processes.children.flatMap((c) => c.status?.groups ?? []))];
  const cleanup = async () => {
    await processes.stopAll(STOP_MS);
    free.release();
    if (broker && shared) await (admin as AmqpTransport).discard(knownGroups()).catch(() => {});
    else await admin.close();
    if (options.store && shared) storeSchemas({ url: options.store }, namespace).drop();
    unlock();
    await removeTemp();
  };

  const limitMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError('UPSTREAM_FAILED', `the service processes did not start within ${limitMs / 1000} s`)), limitMs);
    });
    await Promise.race([Promise.all(starting), timeout]);
  } catch (error) {
    await cleanup();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const statuses = (): Promise<ProcessStatus[]> => Promise.all(processes.serving().map((child) => child.refresh()));
  const isQuiet = async () => {
    const all = await statuses().catch(() => undefined);
    return !!all && all.every((s) => s.waiting === 0 && s.inFlight === 0 && s.pending === 0);
  };
  const sum = (all: Partial<Totals>[]): Totals => {
    const total: Totals = { ordersSettled: 0, sagasResumed: 0, ordersCharged: 0, ordersWaiting: 0, accountsOpened: 0, notificationsSent: 0, inboxPruned: 0, passes: 0 };
    for (const counts of all) for (const key of Object.keys(total) as (keyof Totals)[]) total[key] += counts[key] ?? 0;
    return total;
  };
  const recovery: Recovery = {
    async run(runOptions = {}) {
      const { passes: _passes, ...counts } = sum(await Promise.all(processes.live().map((child) => child.ask({ kind: 'recover', options: runOptions }))));
      return counts;
    },
    get totals() {
      return sum(processes.children.map((c) => c.status?.recovery ?? {}));
    },
    onPass: (listener) => void passListeners.push(listener),
  };
  const everyReplica = (name: ServiceName, request: Ask) => Promise.all(processes.live(name).map((child) => child.ask(request)));
  const down = new Set<StoppableService>();
  const transport: Transport = {
    kind: admin.kind,
    publish: (message) => admin.publish(message),
    subscribe: (group, types, handler, subscribeOptions) => admin.subscribe(group, types, handler, subscribeOptions),
    request: (message, requestOptions) => admin.request(message, requestOptions),
    parked: (group) => admin.parked(group),
    replay: (group, ids) => admin.replay(group, ids),
    groups: knownGroups,
    pending: async () => (await statuses()).reduce((n, s) => n + s.pending, 0),
    close: async () => {},
  };
  const urls = Object.fromEntries(SERVICES.map((s) => [s, url(s)])) as Record<ServiceName, string>;
  await statuses();
  return {
    variant,
    gatewayUrl: urls.gateway,
    urls,
    recorder,
    transport,
    tokens,
    dataDir,
    settle: (timeoutMs = 10_000) => (closing ? Promise.resolve(false) : untilQuiet(isQuiet, timeoutMs, () => !!closing)),
    async stopService(name) {
      await everyReplica(name, { kind: 'stop-service' });
      down.add(name);
    },
    async startService(name) {
      await everyReplica(name, { kind: 'start-service' });
      down.delete(name);
    },
    async setLatency(name, ms) {
      await everyReplica(name, { kind: 'latency', ms });
    },
    async fault(fault: Fault) {
      if (isBrokerFault(fault)) {
        await Promise.all(processes.serving().map((child) => child.ask({ kind: 'fault', fault })));
        return;
      }
      if (fault.kind === 'fail') {
        await everyReplica(fault.service, { kind: 'fault', fault });
        return;
      }
      for (const child of processes.live(fault.service)) {
        const { owners } = fault.at === 'now' ? await child.ask({ kind: 'owners' }) : await child.ask({ kind: 'fault', fault });
        processes.armed(child, { service: fault.service, at: fault.at, owners });
        if (fault.at === 'now') child.kill('SIGKILL');
      }
    },
    recovered: () => processes.recovered(),
    async heal(): Promise<FaultReport> {
      await processes.restarted();
      const reports = await Promise.all(processes.serving().map((child) => child.ask({ kind: 'heal' }).catch((): FaultReport => ({ unfired: [] }))));
      await processes.restarted();
      const fired = processes.disarm();
      const unfired = reports.flatMap((r) => r.unfired).filter((u, i, all) => !fired.has(`${u.service} ${u.at}`) && all.findIndex((o) => o.service === u.service && o.at === u.at) === i);
      return { unfired };
    },
    stopped: () => [...down],
    async unrouted() {
      const total: Record<string, number> = {};
      for (const status of await statuses()) for (const [key, n] of Object.entries(status.unrouted)) total[key] = (total[key] ?? 0) + n;
      return total;
    },
    recovery,
    close: () =>
      (closing ??= (async () => {
        await untilQuiet(isQuiet, 2_000, () => false, 1);
        await cleanup();
      })()),
    ...(broker ? { namespace } : {}),
    processCosts: () =>
      Promise.all(
        processes.live().map(async (child) => {
          const { cpuSeconds, rssMb } = await child.ask({ kind: 'status' });
          return { service: child.service, pid: child.pid, cpuSeconds, rssMb };
        }),
      ),
    processes: () => processes.children.map((c) => ({ service: c.service, pid: c.pid, alive: !c.exited })),
  };
}
