import type { Express } from 'express';
import type { Server } from 'node:http';
import { FaultTransport } from '../broker/fault-transport.js';
import { OutboxRelay } from '../broker/outbox-relay.js';
import { ServiceBus } from '../broker/service-bus.js';
import type { Transport } from '../broker/transport.js';
import { type Fault, type FaultReport } from '../faults/fault.js';
import { FaultyNode } from '../faults/faulty-node.js';
import type { NodeFaults } from '../faults/node-faults.js';
import type { Tokens } from '../core/tokens.js';
import { inboundHops } from '../http/inbound-hops.js';
import { closeServer, guardCallers, listen, probeDependencies } from '../http/service-app.js';
import { requireCaller, type ServiceCredentials } from '../http/service-credentials.js';
import { serviceAgent, ServiceClient, type ServiceDirectory } from '../http/service-client.js';
import type { AbuseLimits } from '../services/gateway/abuse-limits.js';
import type { ModuleContext } from '../services/module.js';
import type { Note } from '../services/note.js';
import { MODULES } from '../services/modules.js';
import { callPolicy, type CallPolicy } from '../http/call-policy.js';
import { openDatabase } from '../storage/database.js';
import { Store } from '../storage/store.js';
import type { Recorder } from '../tracing/recorder.js';
import type { Variant } from '../variants/variant.js';
import { InFlight } from './in-flight.js';
import { planOf, wireLinks, type SideContexts } from './links/index.js';
import type { Plan } from './plan.js';
import { RecoveryPass, type RecoveryDeps, type RecoveryOptions } from './recovery.js';
import { SERVICES, type PortsOf, type ServiceName, type SideContext } from './wiring.js';
import { CapacityGate, type Capacity } from './capacity.js';

/** A dependency of a service lost (with why) or back. */
export interface DependencyChange {
  service: ServiceName;
  dependency: 'store' | 'broker';
  up: boolean;
  detail?: string;
}

/** How to start the services one process runs. */
export interface NodeOptions {
  variant: Variant;
  /** The services this process runs; the others are reached at their address in `directory`. */
  services: readonly ServiceName[];
  transport: Transport;
  recorder: Recorder;
  tokens: Tokens;
  /** Per local service, the credentials of its REST links (calls out, calls accepted), issued by the harness. */
  credentials: Partial<Record<ServiceName, ServiceCredentials>>;
  /** Where the SQLite databases are (one file per service), and the tokens' key. */
  dataDir: string;
  /** PostgreSQL instead of SQLite: each service's schema, named `<prefix>_<service>`, in the database at `url`. */
  store?: { url: string; prefix: string };
  /** Addresses of the services run elsewhere; those of the local ones are added as they listen. */
  directory?: ServiceDirectory;
  /** Port of each local service; any free port when absent. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Host the services listen on (default 127.0.0.1). */
  host?: string;
  /** Whether outbox rows claimed by an earlier process are released at once (only when no other process can share these databases). */
  releaseClaims?: boolean;
  commandTimeoutMs?: number;
  recovery?: RecoveryOptions;
  /** What the public API lets one client do (serve's); none when absent (a harness run is its own only client). */
  limits?: AbuseLimits;
  /** What each local service's instance can do at once (requests and deliveries); as fast as the machine when absent. */
  capacity?: Capacity;
}

/** The services one process runs, listening, wired and relaying. */
export interface ServiceNode {
  /** Base URL of every service this node knows, local or not. */
  urls: Record<ServiceName, string>;
  /** Rows waiting in the outboxes of the local services. */
  waiting(): number;
  /** Domain events raised that nothing carried, by `service event` (a style the plan should have refused). */
  unrouted(): Record<string, number>;
  stopService(name: ServiceName): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  setLatency(name: ServiceName, ms: number): void;
  stopped(): ServiceName[];
  /** The transport the local services use, with the broker faults a scenario may put on it. */
  transport: FaultTransport;
  /** The service faults of the local services; a process of its own makes a crash kill it. */
  faults: NodeFaults;
  /** Puts a fault on the local services or the transport, or takes it off (its zero). */
  fault(fault: Fault): void;
  /** Takes every fault and added latency off, waits for crashed services to be back; says which crashes never fired. */
  heal(): Promise<FaultReport>;
  /** Resolves once every local service a crash stopped is started again. */
  recovered(): Promise<void>;
  /** Who holds the outbox rows the local relays claim. */
  claimOwners(): string[];
  /** Gives back the outbox rows claimed by relays that are gone (a process killed holding them), before their lease runs out. */
  releaseClaims(owners: string[]): void;
  recovery: RecoveryPass;
  /** Hears when a local service loses its store or the broker, and when it has it back. */
  watchDependencies(listener: (change: DependencyChange) => void): void;
  /** Of each local service with a declared capacity: most requests and deliveries held at once, and how many were served. */
  capacitySeen(): Partial<Record<ServiceName, CapacityGate['seen']>>;
  /** From now on each local service has the capacity named in `capacity`, or else the one it was started with. */
  setCapacity(capacity: Capacity | undefined): void;
  /** Drains from the outside in: the gateway, then (after `beforeServices`) consumers, relays and the services, then the stores. */
  close(beforeServices?: () => Promise<void>): Promise<void>;
}

/** The resilience a style declares for a link, on that link's own REST calls from `name` (as its plan's edges say), by `callee call`. */
function linkPolicies(plan: Plan, name: ServiceName, note: Note): Map<string, CallPolicy> {
  const byCall = new Map<string, CallPolicy>();
  for (const [link, spec] of Object.entries(plan.variant.resilience ?? {})) {
    const perCallee = new Map<string, CallPolicy>();
    for (const edge of plan.edges.filter((e) => e.link === link && e.by === 'rest' && e.from === name)) {
      if (!perCallee.has(edge.to)) perCallee.set(edge.to, callPolicy(spec!, name, edge.to, note));
      byCall.set(`${edge.to} ${edge.what}`, perCallee.get(edge.to)!);
    }
  }
  return byCall;
}

/** A service's ports once the links gave them: every port it needs there, then frozen. */
function finishPorts(module: { name: string; needs?: readonly string[] }, ports: object, given: object | undefined): PortsOf<ServiceName> {
  const all = Object.assign(ports, given);
  const missing = (module.needs ?? []).filter((port) => !(port in all));
  if (missing.length) throw new Error(`${module.name} needs its port${missing.length > 1 ? 's' : ''} ${missing.join(', ')} and no link gave ${missing.length > 1 ? 'them' : 'it'}`);
  return Object.freeze(all) as PortsOf<ServiceName>;
}

/** How long shutdown waits for requests and handlers in flight before it drops what is left. */
const DRAIN_MS = 10_000;
/** Opens the stores, wires the variant's links for the local services and starts their servers. */
export async function startNode(options: NodeOptions): Promise<ServiceNode> {
  const { variant, recorder, tokens } = options;
  const plan = planOf(variant);
  const transport = new FaultTransport(options.transport);
  const local = SERVICES.filter((name) => options.services.includes(name));
  const faulty = new FaultyNode(local, transport);
  const modules = local.map((name) => MODULES[name]);
  const directory: ServiceDirectory = options.directory ?? new Map();
  const agent = serviceAgent();
  /** Each local service's store; `stores` hands the same stores to the services' code, with the fault machinery attached (writes refused while a service is crashed). */
  const ownStores = new Map<ServiceName, Store>();
  const closeStores = () => {
    for (const store of ownStores.values()) store.close();
  };
  try {
    for (const module of modules) ownStores.set(module.name, new Store(openDatabase(options.store ? { kind: 'postgres', ...options.store } : options.dataDir, module.name, module.schema, { releaseClaims: options.releaseClaims ?? true, migrate: module.migrate })));
  } catch (error) {
    closeStores();
    await agent.close();
    throw error;
  }
  const stores = new Map([...ownStores].map(([name, store]) => [name, faulty.store(name, store)]));

  const requests = new InFlight();
  const note =
    (service: ServiceName): Note =>
    (trace, label) => {
      if (trace) recorder.local(service, trace.traceId, trace.spanId, label);
    };
  const http = new Map(local.map((name) => [name, new ServiceClient(name, directory, recorder, agent, undefined, linkPolicies(plan, name, note(name)), options.credentials[name])]));
  const bus = new Map(local.map((name) => [name, new ServiceBus(name, transport, recorder)]));
  const gates = new Map(local.map((name) => [name, new CapacityGate(options.capacity?.[name])] as const));
  for (const [name, gate] of gates) bus.get(name)!.gate = (work) => gate.run(work);
  const gated = (name: ServiceName) => [gates.get(name)!.middleware()];
  const relays = new Map<ServiceName, OutboxRelay>();
  for (const module of modules) {
    if (module.outbox !== false) relays.set(module.name, new OutboxRelay(stores.get(module.name)!, bus.get(module.name)!, undefined, http.get(module.name)!));
  }
  for (const [name, relay] of relays) faulty.watch(name, ownStores.get(name)!, relay, bus.get(name)!);
  const contexts = new Map<ServiceName, ModuleContext>(
    modules.map((module) => [
      module.name,
      {
        store: stores.get(module.name)!,
        note: note(module.name),
        tokens,
        http: http.get(module.name)!,
        ...(options.limits ? { limits: options.limits } : {}),
        edge: module.name === 'gateway' ? [requests.track, inboundHops(recorder, 'Client'), ...gated(module.name)] : [requests.track, ...gated(module.name), ...faulty.edge(module.name)],
      },
    ]),
  );

  const parts = new Map(modules.map((module) => [module.name, module.create(contexts.get(module.name)!)]));
  const linked = new Map(modules.map((module) => [module.name, module.linked(parts.get(module.name))]));
  // Each local service's sides see that service's own logic, flow, client, bus, store and relay, nothing of another's.
  const sideContexts: SideContexts = Object.fromEntries(
    modules.map(({ name }) => {
      const { service, flow } = linked.get(name)!;
      const own = relays.has(name) ? { store: stores.get(name)!, relay: relays.get(name)! } : {};
      return [name, { variant, service, flow, http: http.get(name)!, bus: bus.get(name)!, commandTimeoutMs: options.commandTimeoutMs ?? 10_000, ...own } as SideContext<typeof name>];
    }),
  );
  /** Each local service's ports once the links gave them: checked complete, then frozen. */
  const finished = new Map<ServiceName, PortsOf<ServiceName>>();

  const recoveryDeps: RecoveryDeps = {
    jobs: modules.flatMap((module) => module.recovery?.(parts.get(module.name), contexts.get(module.name)!) ?? []),
    stores: [...relays.keys()].map((name) => stores.get(name)!),
    recorder,
  };
  const recovery = new RecoveryPass(recoveryDeps, options.recovery);

  const servers = new Map<ServiceName, Server>();
  const apps = new Map<ServiceName, Express>();
  const cleanup = async (beforeServices: () => Promise<void>) => {
    for (const module of modules) module.close?.(parts.get(module.name));
    const gateway = servers.get('gateway');
    if (gateway) await closeServer(gateway, DRAIN_MS);
    await beforeServices();
    await recovery.stop();
    // Consumers finish what they hold while the services they may call are still up; then the relays stop.
    await Promise.all([...bus.values()].map((b) => b.close()));
    await Promise.all([...relays.values()].map((r) => r.stop()));
    await Promise.all([...servers].filter(([name]) => name !== 'gateway').map(([, server]) => closeServer(server, DRAIN_MS)));
    await requests.idle(DRAIN_MS);
    await agent.close();
    await transport.close();
    closeStores();
  };

  try {
    // Consumers are held until every port is given: a message waiting in a queue is not handled by a half-wired service.
    for (const b of bus.values()) b.hold();
    const given = await wireLinks(variant, sideContexts, plan);
    for (const module of modules) finished.set(module.name, finishPorts(module, linked.get(module.name)!.ports, given[module.name]));
    for (const [name, relay] of relays) for (const event of Object.keys(plan.services[name].absorbs)) relay.absorbed.add(event);
    for (const relay of relays.values()) relay.start();
    for (const module of modules) {
      const app = module.app(parts.get(module.name), contexts.get(module.name)!, { variant, ports: finished.get(module.name) as never });
      const store = ownStores.get(module.name);
      const onBroker = options.transport.watch !== undefined && bus.get(module.name)!.consumed().length > 0;
      if (module.name !== 'gateway') guardCallers(app, requireCaller(module.name, options.credentials[module.name] ?? { calls: {}, accepts: {} }));
      probeDependencies(app, () => ({ ...(store ? { store: store.probe() } : {}), ...(onBroker ? { broker: bus.get(module.name)!.brokerDown } : {}) }));
      apps.set(module.name, app);
    }
    for (const name of local) {
      const { server, url } = await listen(apps.get(name)!, options.ports?.[name] ?? 0, { host: options.host });
      servers.set(name, server);
      directory.set(name, url);
    }
    // Consumers start once every local service listens: a handler's call to a neighbour in this process finds it.
    for (const b of bus.values()) await b.start();
    recovery.start();
  } catch (error) {
    await cleanup(async () => {});
    throw error;
  }

  const down = new Set<ServiceName>();
  let closing: Promise<void> | undefined;
  const portOf = (name: ServiceName) => Number(new URL(directory.get(name)!).port);
  faulty.crashWith({
    halt(name) {
      void relays.get(name)?.stop();
      const server = servers.get(name);
      server?.close();
      server?.closeAllConnections();
      void bus.get(name)?.abort();
    },
    quiet: async (name) => relays.get(name)?.stop(),
    resting: (name) => down.has(name) || !!closing,
    async revive(name) {
      // As a process that opens its database again takes back the claims its dead predecessor held.
      ownStores.get(name)!.sql('UPDATE outbox SET claimed_by = NULL, claimed_until = 0 WHERE claimed_until > 0').run();
      servers.set(name, (await listen(apps.get(name)!, portOf(name), { host: options.host })).server);
      relays.get(name)?.start();
      await bus.get(name)?.resume();
    },
  });
  return {
    urls: Object.fromEntries(directory) as Record<ServiceName, string>,
    waiting: () => [...stores.values()].reduce((n, store) => n + store.waiting(), 0),
    unrouted: () => Object.fromEntries([...relays].flatMap(([name, relay]) => [...relay.unroutedCounts].map(([event, n]) => [`${name} ${event}`, n]))),
    async stopService(name) {
      if (down.has(name) || !servers.has(name)) return;
      down.add(name);
      await closeServer(servers.get(name)!, DRAIN_MS);
      await relays.get(name)?.stop();
      await bus.get(name)!.close();
    },
    async startService(name) {
      if (!down.has(name)) return;
      servers.set(name, (await listen(apps.get(name)!, portOf(name), { host: options.host })).server);
      relays.get(name)?.start();
      await bus.get(name)!.resume();
      down.delete(name);
    },
    setLatency: (name, ms) => faulty.setLatency(name, ms),
    capacitySeen: () => Object.fromEntries([...gates].filter(([, gate]) => gate.capacity || gate.seen.served).map(([name, gate]) => [name, { ...gate.seen }])),
    setCapacity: (capacity) => {
      for (const [name, gate] of gates) gate.set(capacity?.[name] ?? options.capacity?.[name]);
    },
    stopped: () => [...down],
    transport,
    faults: faulty.faults,
    fault: (fault) => faulty.fault(fault),
    heal: () => faulty.heal(),
    recovered: () => faulty.recovered(),
    claimOwners: () => [...relays.values()].map((r) => r.owner),
    releaseClaims(owners) {
      for (const store of ownStores.values()) for (const owner of owners) store.sql('UPDATE outbox SET claimed_by = NULL, claimed_until = 0 WHERE claimed_by = ?').run(owner);
    },
    recovery,
    watchDependencies(listener) {
      for (const [service, store] of ownStores) store.watch((change) => listener({ service, dependency: 'store', ...change }));
    },
    close: (beforeServices = async () => {}) => (closing ??= cleanup(beforeServices)),
  };
}
