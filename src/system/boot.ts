import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTransport } from '../broker/memory-transport.js';
import type { Transport } from '../broker/transport.js';
import { AppError } from '../core/errors.js';
import { lockDataDir } from '../storage/data-dir-lock.js';
import { Recorder } from '../tracing/recorder.js';
import { configuredTokens, type Tokens } from '../core/tokens.js';
import type { Fault, FaultReport } from '../faults/fault.js';
import type { AbuseLimits } from '../services/gateway/abuse-limits.js';
import type { Recovery, RecoveryOptions } from './recovery.js';
import { planOf } from './links/index.js';
import { meshCredentials, OPERATOR, operatorHeaders } from './mesh.js';
import { untilQuiet } from './quiet.js';
import { startNode, type DependencyChange, type ServiceNode } from './service-node.js';
import { storeSchemas, type StoreOption } from './store-schemas.js';
import { SERVICES, type ServiceName } from './wiring.js';
import type { Variant } from '../variants/variant.js';
import { makeFolders } from '../core/make-folders.js';
import type { Capacity } from './capacity.js';

/** How to boot one variant. */
export interface BootOptions {
  variant: Variant;
  /** Broker to use; the in-process broker when absent. The system closes it on close(). */
  transport?: Transport;
  /** Keep the databases here; a temporary directory (removed on close) when absent. */
  dataDir?: string;
  /** Keep the services' data in PostgreSQL: schemas `<namespace>_<service>`, kept; without a namespace, throwaway ones dropped on close. */
  store?: StoreOption;
  /** Gateway port; ephemeral when absent. */
  gatewayPort?: number;
  /** Record hops (default true). */
  tracing?: boolean;
  /** How long the gateway waits for a reply event (variants with commands over the broker). */
  commandTimeoutMs?: number;
  /** Tuning of the recovery pass (grace period, how often, inbox retention); it runs at start-up and every few seconds. */
  recovery?: RecoveryOptions;
  /** What the public API lets one client do (serve's); none when absent: a harness run is its own only client. */
  limits?: AbuseLimits;
  /** The secret every link's credential is made from (a fresh one by default): given, a caller that knows it can act as any service. */
  meshSecret?: string;
  /** What each service can do at once (workers, service time); as fast as the machine when absent. */
  capacity?: Capacity;
}

/** A running order system of one variant. */
export interface RunningSystem {
  variant: Variant;
  gatewayUrl: string;
  /** Base URL of every service, the gateway included. */
  urls: Record<ServiceName, string>;
  recorder: Recorder;
  transport: Transport;
  /** The token issuer the system uses (for probes such as expired tokens). */
  tokens: Tokens;
  /** The headers the harness's own calls to a service carry (loading a scenario's catalog and zones): its credential, where it has a link. */
  operatorHeaders(service: ServiceName): Record<string, string>;
  dataDir: string;
  /** Resolves once no event waits in an outbox, no message is queued or in flight and no recorded call is open, for a quiet moment. */
  settle(timeoutMs?: number): Promise<boolean>;
  /** Takes a service down: its port closes, its consumers and outbox relay stop; its messages wait in its queues. */
  stopService(name: StoppableService): Promise<void>;
  /** Brings a stopped service back on the same port; it picks up what waited for it. */
  startService(name: StoppableService): Promise<void>;
  /** Delays every request and every delivery a service handles by `ms` (0 removes it); resolves once every process of it was told. */
  setLatency(name: StoppableService, ms: number): Promise<void>;
  /** From now on each service has the capacity `capacity` names, or else the one the system was booted with; resolves once every process of it was told. */
  setCapacity(capacity: Capacity | undefined): Promise<void>;
  /** Services stopped now. */
  stopped(): StoppableService[];
  /** Domain events raised that nothing in the style carried, by `service event`: empty unless the plan let a bug through. */
  unrouted(): Promise<Record<string, number>>;
  /** Puts a fault on (a scenario's fault step), or takes it off with its zero; resolves once every process concerned has it. */
  fault(fault: Fault): Promise<void>;
  /** Takes every fault and added latency off and waits for crashed services to be back; says which armed crashes never fired. */
  heal(): Promise<FaultReport>;
  /** Resolves once every service a crash fault killed so far is started again and serving. */
  recovered(): Promise<void>;
  /** The recovery pass: what it did so far (`totals`), one pass now (`run`), every pass that did something (`onPass`). */
  recovery: Recovery;
  /** Hears when a service loses its store (or, with --processes, the broker) and when it has it back. */
  watchDependencies(listener: (change: DependencyChange) => void): void;
  /** With `--processes` over RabbitMQ: the namespace its queues are named in (`orderctl.<namespace>.…`). */
  namespace?: string;
  /** With `--processes`: the OS process of each service replica (for faults that kill one). */
  processes?(): { service: ServiceName; pid: number; alive: boolean; /** Who sends its outbox: the names its outbox claims carry (empty until it serves). */ outboxOwners: string[] }[];
  /** Of each service given a capacity (in this process): most requests and deliveries one instance held at once, and how many it served. */
  capacitySeen?(): Partial<Record<ServiceName, { maxInFlight: number; served: number }>>;
  /** With `--processes`: CPU seconds used so far and resident memory of each live service process. */
  processCosts?(): Promise<{ service: ServiceName; pid: number; cpuSeconds: number; rssMb: number }[]>;
  close(): Promise<void>;
}

/** Every service but the gateway can be stopped, started and slowed down. */
export type StoppableService = Exclude<ServiceName, 'gateway'>;

/** Every system of this process that is booting or running, by how to close it. */
const live = new Set<() => Promise<void>>();
let shuttingDown = false;

/** Closes every system this process has booted or is still booting, and refuses to boot more: what a signal handler calls. */
export async function closeAllSystems(): Promise<void> {
  shuttingDown = true;
  while (live.size > 0) await Promise.allSettled([...live].map((close) => close()));
}

/** Boots one variant: every service on its own port with its own database, the links of the variant wired. */
export function bootSystem(options: BootOptions): Promise<RunningSystem> {
  return tracked(() => boot(options), () => options.transport?.close());
}

/** Boots a system with `start` unless shutdown has begun, and keeps it where `closeAllSystems` finds it until it is closed. */
export async function tracked(start: () => Promise<RunningSystem>, refused: () => Promise<void> | undefined = async () => {}): Promise<RunningSystem> {
  if (shuttingDown) {
    await refused();
    throw new AppError('SHUTTING_DOWN', 'orderctl is shutting down');
  }
  const booting = start();
  const closeOnceBooted = () => booting.then((system) => system.close(), () => {});
  live.add(closeOnceBooted);
  try {
    const system = await booting;
    const close = system.close.bind(system);
    system.close = () => close().finally(() => live.delete(closeOnceBooted));
    return system;
  } catch (error) {
    live.delete(closeOnceBooted);
    throw error;
  }
}

async function boot(options: BootOptions): Promise<RunningSystem> {
  const { variant } = options;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'orderctl-')));
  const recorder = new Recorder(options.tracing ?? true);
  const transport = options.transport ?? new MemoryTransport();
  let unlock: (() => void) | undefined;
  const removeTemp = () => (options.dataDir ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  const store = options.store && storeSchemas(options.store);
  let node: ServiceNode;
  let tokens: Tokens;
  const credentials = meshCredentials(planOf(variant), [...SERVICES, OPERATOR], options.meshSecret);
  try {
    if (options.dataDir) {
      await makeFolders(options.dataDir);
      unlock = lockDataDir(options.dataDir);
    }
    tokens = configuredTokens(dataDir);
    node = await startNode({ variant, services: SERVICES, transport, recorder, tokens, credentials, dataDir, store: store && { url: store.url, prefix: store.prefix }, ports: { gateway: options.gatewayPort }, commandTimeoutMs: options.commandTimeoutMs, recovery: options.recovery, limits: options.limits, capacity: options.capacity });
  } catch (error) {
    await transport.close();
    unlock?.();
    await removeTemp();
    store?.drop();
    if (error instanceof AppError || (error as { code?: string }).code === 'EADDRINUSE') throw error;
    throw new AppError('USAGE', `cannot keep the databases in ${dataDir}: ${(error as Error).message}`);
  }

  let closed = false;
  let closing: Promise<void> | undefined;
  const settle = (timeoutMs = 10_000) =>
    untilQuiet(async () => node.waiting() === 0 && recorder.inFlight === 0 && (await node.transport.pending()) === 0, timeoutMs, () => closed);

  return {
    variant,
    gatewayUrl: node.urls.gateway,
    urls: node.urls,
    recorder,
    transport,
    tokens,
    operatorHeaders: (service) => operatorHeaders(credentials, service),
    dataDir,
    settle: (timeoutMs) => (closing ? Promise.resolve(false) : settle(timeoutMs)),
    stopService: (name) => node.stopService(name),
    startService: (name) => node.startService(name),
    setLatency: async (name, ms) => node.setLatency(name, ms),
    setCapacity: async (capacity) => node.setCapacity(capacity),
    stopped: () => node.stopped() as StoppableService[],
    capacitySeen: () => node.capacitySeen(),
    unrouted: async () => node.unrouted(),
    fault: async (fault) => node.fault(fault),
    heal: () => node.heal(),
    recovered: () => node.recovered(),
    recovery: node.recovery,
    watchDependencies: (listener) => node.watchDependencies(listener),
    close: () =>
      (closing ??= (async () => {
        try {
          await node.close(async () => {
            await settle(2_000);
          });
          unlock?.();
          await removeTemp();
          store?.drop();
        } finally {
          closed = true;
        }
      })()),
  };
}
