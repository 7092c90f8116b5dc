import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AmqpTransport } from '../broker/amqp-transport.js';
import { MemoryTransport } from '../broker/memory-transport.js';
import type { Transport } from '../broker/transport.js';
import { AppError } from '../core/errors.js';
import { isBrokerFault, type CrashPoint, type Fault, type FaultReport, type FaultService } from '../faults/fault.js';
import type { FaultAnswer, FaultRequest } from '../faults/fault-messages.js';
import { persistentKey, Tokens } from '../core/tokens.js';
import { lockDataDir } from '../storage/data-dir-lock.js';
import { Recorder } from '../tracing/recorder.js';
import { variantRef } from '../variants/index.js';
import { usesBroker, type Variant } from '../variants/variant.js';
import { tracked, type RunningSystem, type StoppableService } from './boot.js';
import type { HarnessRequest, ProcessMessage, ProcessStatus } from './harness-messages.js';
import { brokerNeeded, handlesTokens, planProcesses, type PlannedService, type Replicas } from './process-plan.js';
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

const BIN = fileURLToPath(new URL('../../bin/orderctl', import.meta.url));
const STOP_MS = 20_000;
/** How long the harness waits for a process to answer a request (status, a fault) before it counts it as stuck. */
const ANSWER_MS = 10_000;

/**
 * A port nobody listens on now, for a process to bind a moment later. Taken below the kernel's range of
 * ephemeral ports, so that no outgoing connection (to the broker, between services) can be given it meanwhile.
 */
async function freePort(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').then((text) => Number(text.trim().split(/\s+/)[0]), () => 32_768);
  const low = 10_000;
  const high = Math.max(low + 1_000, range) - 1;
  for (;;) {
    const port = low + Math.floor(Math.random() * (high - low));
    const server = createServer();
    const bound = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => done(true));
    });
    if (!bound) continue;
    await new Promise<void>((done) => server.close(() => done()));
    return port;
  }
}

type Totals = RecoveryCounts & { passes: number };
/** A request to a process, before it gets its id. */
type Ask = HarnessRequest | FaultRequest extends infer R ? (R extends HarnessRequest | FaultRequest ? Omit<R, 'id'> : never) : never;

interface Child {
  service: ServiceName;
  worker: Worker;
  exited: boolean;
  /** It said it serves (and so answers requests). */
  ready: boolean;
  /** The last lines it wrote, to say why it could not start. */
  output: string[];
  status?: ProcessStatus;
}

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
  const ports = new Map<ServiceName, number>();
  for (const service of SERVICES) ports.set(service, service === 'gateway' && options.gatewayPort ? options.gatewayPort : await freePort());
  const url = (service: ServiceName) => `http://127.0.0.1:${ports.get(service)}`;
  const plan = planProcesses({ variant: variantRef(variant), broker, namespace, sharedNamespace: shared, host: '127.0.0.1', port: (s) => ports.get(s)!, url, dataDir, store: options.store, replicas: options.replicas ?? {} });

  const recorder = new Recorder(options.tracing ?? true);
  const children: Child[] = [];
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; child: Child }>();
  const passListeners: ((counts: RecoveryCounts) => void)[] = [];
  let nextId = 1;
  let closing: Promise<void> | undefined;

  const ask = <T>(child: Child, request: Ask): Promise<T> => {
    if (child.exited) return Promise.reject(new AppError('UPSTREAM_FAILED', `${child.service} (pid ${child.worker.process.pid}) has exited`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new AppError('UPSTREAM_TIMEOUT', `${child.service} (pid ${child.worker.process.pid}) did not answer within ${ANSWER_MS / 1000} s`));
      }, ANSWER_MS);
      const settle = <A extends unknown[]>(done: (...args: A) => void) => (...args: A) => {
        clearTimeout(timer);
        done(...args);
      };
      waiting.set(id, { resolve: settle(resolve as (v: unknown) => void), reject: settle(reject), child });
      // A process that died a moment ago (a crash) has its channel closed before its exit is seen: that is a failed request, not an error event.
      child.worker.send({ ...request, id } as HarnessRequest | FaultRequest, (error: Error | null) => {
        if (!error || !waiting.has(id)) return;
        waiting.get(id)!.reject(new AppError('UPSTREAM_FAILED', `${child.service} (pid ${child.worker.process.pid}) cannot be asked: ${error.message}`));
        waiting.delete(id);
      });
    });
  };
  /** The consumer groups the processes reported in their last status. */
  const knownGroups = () => [...new Set(children.flatMap((c) => c.status?.groups ?? []))];
  const live = (service?: ServiceName) => children.filter((c) => !c.exited && (!service || c.service === service));
  /** The live processes that answer requests (one just started again may not yet). */
  const serving = () => live().filter((c) => c.ready);

  /** Has this process died (gone, or a zombie its parent has not reaped yet)? Its exit event may come a moment later. */
  const dead = async (pid: number) => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    return !stat || /^\S+ \(.*\) [ZX]/s.test(stat);
  };
  /** Processes a crash fault will kill (by pid): who held their outbox claims, released for the process started in their place. */
  const crashing = new Map<number, { service: FaultService; at: CrashPoint; owners: string[] }>();
  const fired = new Set<string>();
  const restarts = new Set<Promise<void>>();
  /** Starts again a process a crash fault killed, and gives back the outbox rows it died holding. */
  const restartCrashed = (planned: PlannedService, replica: number, owners: string[]) => {
    const restart = spawn(planned, replica).then(async () => {
      const child = children.findLast((c) => c.service === planned.service && !c.exited);
      if (child && owners.length) await ask(child, { kind: 'release-claims', owners });
    });
    restarts.add(restart);
    void restart.catch(() => {}).finally(() => restarts.delete(restart));
  };

  /** Forks one process of a planned service; resolves once it serves, rejects if it dies first. */
  const spawn = (planned: PlannedService, replica: number): Promise<void> => {
    cluster.setupPrimary({ exec: BIN, args: planned.args, execArgv: [], silent: !process.env.ORDERCTL_DEBUG_PROCESSES });
    const worker = cluster.fork({ ...planned.env, ...(handlesTokens(planned.service) ? { ORDERCTL_JWT_SECRET: secret } : {}), ORDERCTL_REPLICA: String(replica), FORCE_COLOR: '0' });
    const child: Child = { service: planned.service, worker, exited: false, ready: false, output: [] };
    children.push(child);
    const keep = (chunk: Buffer) => {
      child.output.push(...chunk.toString().split('\n').filter(Boolean));
      child.output.splice(0, Math.max(0, child.output.length - 20));
    };
    worker.process.stdout?.on('data', keep);
    worker.process.stderr?.on('data', keep);
    let serving = false;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: ProcessMessage) => {
        if (message.kind === 'ready') {
          serving = true;
          child.ready = true;
          resolve();
        } else if (message.kind === 'hops') recorder.ingest(message.hops);
        else if (message.kind === 'recovery') for (const listener of passListeners) listener(message.counts);
        else if (message.kind === 'answer') {
          const pending = waiting.get(message.id);
          waiting.delete(message.id);
          if (message.error) pending?.reject(new AppError('UPSTREAM_FAILED', `${child.service}: ${message.error}`));
          else pending?.resolve(message.result);
        }
      });
      worker.on('exit', (code, signal) => {
        child.exited = true;
        for (const [id, pending] of waiting) if (pending.child === child) (waiting.delete(id), pending.reject(new AppError('UPSTREAM_FAILED', `${child.service} exited`)));
        const reason = signal ?? `exit code ${code}`;
        if (!serving) return reject(new AppError('UPSTREAM_FAILED', `${child.service} stopped while starting (${reason}): ${child.output.slice(-5).join(' | ') || 'no output'}`));
        if (stopping) return;
        const crash = crashing.get(worker.process.pid!);
        if (crash && signal === 'SIGKILL') {
          crashing.delete(worker.process.pid!);
          fired.add(`${crash.service} ${crash.at}`);
          return restartCrashed(planned, replica, crash.owners);
        }
        const restarted = !!options.restart;
        options.onExit?.({ service: child.service, pid: worker.process.pid!, reason, restarted });
        if (restarted) spawn(planned, replica).catch(() => {});
      });
    });
  };
  const starting = plan.flatMap((planned) => Array.from({ length: planned.replicas }, (_, i) => spawn(planned, i + 1)));

  let stopping = false;
  const stopChildren = async () => {
    stopping = true;
    // The gateway first, so nothing new comes in while the others finish what they hold.
    for (const group of [live('gateway'), live().filter((c) => c.service !== 'gateway')]) {
      await Promise.all(
        group.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exited) return resolve();
              const force = setTimeout(() => child.worker.process.kill('SIGKILL'), STOP_MS);
              child.worker.once('exit', () => (clearTimeout(force), resolve()));
              child.worker.process.kill('SIGTERM');
            }),
        ),
      );
    }
  };
  const cleanup = async () => {
    await stopChildren();
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

  const statuses = async (): Promise<ProcessStatus[]> =>
    Promise.all(
      serving().map(async (child) => {
        child.status = await ask<ProcessStatus>(child, { kind: 'status' });
        return child.status;
      }),
    );
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
      const { passes: _passes, ...counts } = sum(await Promise.all(live().map((child) => ask<RecoveryCounts>(child, { kind: 'recover', options: runOptions }))));
      return counts;
    },
    get totals() {
      return sum(children.map((c) => c.status?.recovery ?? {}));
    },
    onPass: (listener) => void passListeners.push(listener),
  };
  const everyReplica = (name: ServiceName, request: Ask) => Promise.all(live(name).map((child) => ask(child, request)));
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
        await Promise.all(serving().map((child) => ask(child, { kind: 'fault', fault })));
        return;
      }
      if (fault.kind === 'fail') {
        await everyReplica(fault.service, { kind: 'fault', fault });
        return;
      }
      for (const child of live(fault.service)) {
        const pid = child.worker.process.pid!;
        if (fault.at === 'now') {
          const { owners } = await ask<FaultAnswer>(child, { kind: 'owners' });
          crashing.set(pid, { service: fault.service, at: fault.at, owners });
          child.worker.process.kill('SIGKILL');
        } else {
          const { owners } = await ask<FaultAnswer>(child, { kind: 'fault', fault });
          crashing.set(pid, { service: fault.service, at: fault.at, owners });
        }
      }
    },
    async recovered() {
      // A process that killed itself a moment ago may not have been seen to exit yet: wait for that, then for its restart.
      for (const [pid] of crashing) {
        const child = children.find((c) => c.worker.process.pid === pid);
        if (!child || child.exited || !(await dead(pid))) continue;
        const until = Date.now() + 5_000;
        while (!child.exited && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      }
      while (restarts.size) await Promise.allSettled([...restarts]);
    },
    async heal(): Promise<FaultReport> {
      while (restarts.size) await Promise.allSettled([...restarts]);
      const reports = await Promise.all(serving().map((child) => ask<FaultReport>(child, { kind: 'heal' }).catch((): FaultReport => ({ unfired: [] }))));
      for (const child of live()) crashing.delete(child.worker.process.pid!);
      while (restarts.size) await Promise.allSettled([...restarts]);
      const unfired = reports.flatMap((r) => r.unfired).filter((u, i, all) => !fired.has(`${u.service} ${u.at}`) && all.findIndex((o) => o.service === u.service && o.at === u.at) === i);
      fired.clear();
      return { unfired };
    },
    stopped: () => [...down],
    recovery,
    close: () =>
      (closing ??= (async () => {
        await untilQuiet(isQuiet, 2_000, () => stopping, 1);
        await cleanup();
      })()),
    ...(broker ? { namespace } : {}),
    processCosts: () =>
      Promise.all(
        live().map(async (child) => {
          const { cpuSeconds, rssMb } = await ask<ProcessStatus>(child, { kind: 'status' });
          return { service: child.service, pid: child.worker.process.pid!, cpuSeconds, rssMb };
        }),
      ),
    processes: () => children.map((c) => ({ service: c.service, pid: c.worker.process.pid!, alive: !c.exited })),
  };
}
