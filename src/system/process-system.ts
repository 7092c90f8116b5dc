import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AmqpTransport } from '../broker/amqp-transport.js';
import { MemoryTransport } from '../broker/memory-transport.js';
import type { Transport } from '../broker/transport.js';
import { AppError } from '../core/errors.js';
import { persistentKey, Tokens } from '../core/tokens.js';
import { lockDataDir } from '../storage/data-dir-lock.js';
import { Recorder } from '../tracing/recorder.js';
import { variantRef } from '../variants/index.js';
import { usesBroker, type Variant } from '../variants/variant.js';
import { tracked, type RunningSystem } from './boot.js';
import { brokerNeeded, planProcesses, serviceEnv, type Replicas } from './process-plan.js';
import { holdFreePorts } from './free-ports.js';
import { planOf } from './links/index.js';
import { meshCredentials, OPERATOR } from './mesh.js';
import { ProcessSupervisor, type RestartAttempt } from './process-supervisor.js';
import { ProcessSystem } from './process-running-system.js';
import type { RecoveryCounts } from './recovery.js';
import type { DependencyChange } from './service-node.js';
import { storeSchemas } from './store-schemas.js';
import { SERVICES, type ServiceName } from './wiring.js';
import { makeFolders } from '../core/make-folders.js';
import { capacityEnv, type Capacity } from './capacity.js';

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
  /** Whether the gateway applies the public API's abuse limits (serve's); off for a harness run. */
  limits?: boolean;
  /** Hears every attempt to start again a process that died unasked. */
  onRestart?: (event: RestartAttempt) => void;
  /** What each instance of a service can do at once: every replica gets its service's own (ORDERCTL_CAPACITY). */
  capacity?: Capacity;
}

const STOP_MS = 20_000;

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
    await makeFolders(dataDir);
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

  const credentials = meshCredentials(planOf(variant), [...SERVICES, OPERATOR]);
  const recorder = new Recorder(options.tracing ?? true);
  const passListeners: ((counts: RecoveryCounts) => void)[] = [];
  const dependencyListeners: ((change: DependencyChange) => void)[] = [];
  const processes = new ProcessSupervisor({
    // Each process gets the credentials of its own links only, never the secret they are made from.
    env: (planned) => ({
      ...serviceEnv(planned, { credentials: JSON.stringify(credentials[planned.service]), limits: options.limits ? 'on' : 'off', tokenSecret: secret }),
      ...capacityEnv(options.capacity, planned.service),
    }),
    hops: (hops) => recorder.ingest(hops),
    recovery: (counts) => passListeners.forEach((listener) => listener(counts)),
    dependency: (change) => dependencyListeners.forEach((listener) => listener(change)),
    restart: options.restart,
    onExit: options.onExit,
    onRestart: options.onRestart,
  });
  const starting = plan.flatMap((planned) => Array.from({ length: planned.replicas }, (_, i) => processes.spawn(planned, i + 1)));
  const cleanup = async () => {
    await processes.stopAll(STOP_MS);
    free.release();
    if (broker && shared) await (admin as AmqpTransport).discard(processes.groups()).catch(() => {});
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

  const urls = Object.fromEntries(SERVICES.map((s) => [s, url(s)])) as Record<ServiceName, string>;
  const system = new ProcessSystem({ variant, processes, recorder, admin, tokens, credentials, dataDir, urls, ...(broker ? { namespace } : {}), onPass: (listener) => void passListeners.push(listener), onDependency: (listener) => void dependencyListeners.push(listener), cleanup });
  await system.statuses();
  return system;
}
