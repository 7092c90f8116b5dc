import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Express } from 'express';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTransport } from '../broker/memory-transport.js';
import { OutboxRelay } from '../broker/outbox-relay.js';
import { ServiceBus } from '../broker/service-bus.js';
import type { Transport } from '../broker/transport.js';
import { sleep } from '../core/duration.js';
import { AppError } from '../core/errors.js';
import type { Tokens } from '../core/tokens.js';
import { inboundHops } from '../http/inbound-hops.js';
import { closeServer, listen } from '../http/service-app.js';
import { serviceAgent, ServiceClient, type ServiceDirectory } from '../http/service-client.js';
import { billingApp } from '../services/billing/billing-routes.js';
import { billingSchema, BillingService } from '../services/billing/billing-service.js';
import { gatewayApp } from '../services/gateway/gateway-app.js';
import { openGatewayState, type GatewayState } from '../services/gateway/gateway-state.js';
import { RegistrationFlow } from '../services/identity/identity-flow.js';
import { identityApp } from '../services/identity/identity-routes.js';
import { identitySchema, IdentityService } from '../services/identity/identity-service.js';
import { NotificationFlow } from '../services/notification/notification-flow.js';
import { notificationApp } from '../services/notification/notification-routes.js';
import { notificationSchema, NotificationService } from '../services/notification/notification-service.js';
import { OrderFlow } from '../services/ordering/order-flow.js';
import { orderingApp } from '../services/ordering/ordering-routes.js';
import { orderingSchema, OrderingService } from '../services/ordering/ordering-service.js';
import { lockDataDir } from '../storage/data-dir-lock.js';
import { openDatabase } from '../storage/database.js';
import { Store } from '../storage/store.js';
import { currentTrace } from '../tracing/context.js';
import { Recorder } from '../tracing/recorder.js';
import type { Variant } from '../variants/variant.js';
import { InFlight } from './in-flight.js';
import { wireLinks } from './links/index.js';
import { RecoveryPass, type Recovery, type RecoveryOptions } from './recovery.js';
import { SERVICES, type ServiceName, type Wiring } from './wiring.js';

/** How to boot one variant. */
export interface BootOptions {
  variant: Variant;
  /** Broker to use; the in-process broker when absent. The system closes it on close(). */
  transport?: Transport;
  /** Keep the databases here; a temporary directory (removed on close) when absent. */
  dataDir?: string;
  /** Gateway port; ephemeral when absent. */
  gatewayPort?: number;
  /** Record hops (default true). */
  tracing?: boolean;
  /** How long the gateway waits for a reply event (variants with commands over the broker). */
  commandTimeoutMs?: number;
  /** Tuning of the recovery pass (grace period, how often, inbox retention); it runs at start-up and every few seconds. */
  recovery?: RecoveryOptions;
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
  dataDir: string;
  /** Resolves once no event waits in an outbox, no message is queued or in flight and no recorded call is open, for a quiet moment. */
  settle(timeoutMs?: number): Promise<boolean>;
  /** Takes a service down: its port closes, its consumers and outbox relay stop; its messages wait in its queues. */
  stopService(name: StoppableService): Promise<void>;
  /** Brings a stopped service back on the same port; it picks up what waited for it. */
  startService(name: StoppableService): Promise<void>;
  /** Delays every request and every delivery a service handles by `ms` (0 removes it). */
  setLatency(name: StoppableService, ms: number): void;
  /** Services stopped now. */
  stopped(): StoppableService[];
  /** The recovery pass: what it did so far (`totals`), one pass now (`run`), every pass that did something (`onPass`). */
  recovery: Recovery;
  close(): Promise<void>;
}

/** Every service but the gateway can be stopped, started and slowed down. */
export type StoppableService = Exclude<ServiceName, 'gateway'>;

/** How long shutdown waits for requests and handlers in flight before it drops what is left. */
const DRAIN_MS = 10_000;

const notWired = () => {
  throw new Error('link not wired');
};

/** Every system of this process that is booting or running, by how to close it. */
const live = new Set<() => Promise<void>>();
let shuttingDown = false;

/** Closes every system this process has booted or is still booting, and refuses to boot more: what a signal handler calls. */
export async function closeAllSystems(): Promise<void> {
  shuttingDown = true;
  while (live.size > 0) await Promise.allSettled([...live].map((close) => close()));
}

/** Boots one variant: every service on its own port with its own database, the links of the variant wired. */
export async function bootSystem(options: BootOptions): Promise<RunningSystem> {
  if (shuttingDown) {
    await options.transport?.close();
    throw new AppError('SHUTTING_DOWN', 'orderctl is shutting down');
  }
  const booting = boot(options);
  const closeOnceBooted = () => booting.then((system) => system.close(), () => {});
  live.add(closeOnceBooted);
  try {
    const system = await booting;
    const close = system.close;
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
  const directory: ServiceDirectory = new Map();
  const agent = serviceAgent();
  let gatewayState: GatewayState | undefined;
  let unlock: (() => void) | undefined;
  const opened: Store[] = [];
  const store = (name: string, schema: string) => {
    const made = new Store(openDatabase(dataDir, name, schema));
    opened.push(made);
    return made;
  };
  const note = (service: ServiceName, label: string) => {
    const trace = currentTrace();
    if (trace) recorder.local(service, trace.traceId, trace.spanId, label);
  };
  const per = <T>(make: (name: ServiceName) => T) => Object.fromEntries(SERVICES.map((s) => [s, make(s)])) as Record<ServiceName, T>;

  let stores: Record<'identity' | 'billing' | 'order' | 'notification', Store>;
  try {
    if (options.dataDir) {
      await mkdir(options.dataDir, { recursive: true });
      unlock = lockDataDir(options.dataDir);
    }
    gatewayState = openGatewayState(dataDir);
    stores = {
      identity: store('identity', identitySchema),
      billing: store('billing', billingSchema),
      order: store('order', orderingSchema),
      notification: store('notification', notificationSchema),
    };
  } catch (error) {
    gatewayState?.close();
    for (const st of opened) st.close();
    unlock?.();
    await Promise.all([transport.close(), agent.close()]);
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    if (error instanceof AppError) throw error;
    throw new AppError('USAGE', `cannot keep the databases in ${dataDir}: ${(error as Error).message}`);
  }
  const { tokens, revoked } = gatewayState!;
  const services = {
    identity: new IdentityService(stores.identity, tokens),
    billing: new BillingService(stores.billing, (l) => note('billing', l)),
    ordering: new OrderingService(stores.order),
    notification: new NotificationService(stores.notification, (l) => note('notification', l)),
  };
  // Links fill the ports; flows hold the same objects, so they see what the links set.
  const ports: Wiring['ports'] = {
    identity: {},
    ordering: {},
    notification: { recipient: notWired },
    gateway: { register: notWired, deposit: notWired, withdraw: notWired, placeOrder: notWired },
  };
  const flows = {
    registration: new RegistrationFlow(services.identity, ports.identity, (l) => note('identity', l)),
    order: new OrderFlow(services.ordering, ports.ordering, (l) => note('order', l)),
    notification: new NotificationFlow(
      services.notification,
      { recipient: (id) => ports.notification.recipient(id), orderDetails: async (id) => ports.notification.orderDetails?.(id) },
      (l) => note('notification', l),
    ),
  };
  const bus = per((name) => new ServiceBus(name, transport, recorder));
  const http = per((name) => new ServiceClient(name, directory, recorder, agent));
  const relay = {
    identity: new OutboxRelay(stores.identity, bus.identity, undefined, http.identity),
    billing: new OutboxRelay(stores.billing, bus.billing, undefined, http.billing),
    order: new OutboxRelay(stores.order, bus.order, undefined, http.order),
    notification: new OutboxRelay(stores.notification, bus.notification, undefined, http.notification),
  };
  const wiring: Wiring = {
    variant,
    services,
    flows,
    ports,
    http,
    bus,
    stores,
    relay,
    commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
  };
  const recovery = new RecoveryPass(
    { services, flows, stores: Object.values(stores), orderHttp: http.order, recorder },
    options.recovery,
  );

  const servers = new Map<ServiceName, Server>();
  const latency = new Map<ServiceName, number>();
  const requests = new InFlight();
  const slow = (name: ServiceName) => async (_req: unknown, _res: unknown, next: () => void) => {
    const ms = latency.get(name);
    if (ms) await sleep(ms);
    next();
  };
  // Shutdown drains from the outside in: the gateway stops taking requests and finishes those it
  // has (with the internal calls and messages they cause), then the services finish theirs, then
  // consumers and relays stop, and only then do the databases close.
  const cleanup = async (settleMs: number) => {
    const gateway = servers.get('gateway');
    if (gateway) await closeServer(gateway, DRAIN_MS);
    if (settleMs) await settle(settleMs);
    await recovery.stop();
    // Consumers finish what they hold while the services they may call are still up; then the relays stop.
    await Promise.all(Object.values(wiring.bus).map((b) => b.close()));
    await Promise.all(Object.values(relay).map((r) => r.stop()));
    await Promise.all([...servers].filter(([name]) => name !== 'gateway').map(([, server]) => closeServer(server, DRAIN_MS)));
    await requests.idle(DRAIN_MS);
    await agent.close();
    await transport.close();
    for (const st of opened) st.close();
    gatewayState?.close();
    unlock?.();
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  };

  let apps: Record<ServiceName, Express>;
  try {
    await wireLinks(wiring);
    for (const r of Object.values(relay)) r.start();
    apps = {
      gateway: gatewayApp({ http: wiring.http.gateway, commands: { ...ports.gateway }, tokens, revoked, variant: variant.name }, requests.track, inboundHops(recorder, 'Client')),
      identity: identityApp(services.identity, flows.registration, requests.track, slow('identity')),
      billing: billingApp(services.billing, requests.track, slow('billing')),
      order: orderingApp(services.ordering, flows.order, requests.track, slow('order')),
      notification: notificationApp(services.notification, flows.notification, requests.track, slow('notification')),
    };
    for (const name of SERVICES) {
      const { server, url } = await listen(apps[name], name === 'gateway' ? options.gatewayPort : 0);
      servers.set(name, server);
      directory.set(name, url);
    }
    recovery.start();
  } catch (error) {
    await cleanup(0);
    throw error;
  }

  let closed = false;
  let closing: Promise<void> | undefined;
  async function settle(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (Date.now() < deadline && !closed) {
      const waiting = Object.values(stores).reduce((n, st) => n + st.waiting(), 0);
      quiet = waiting === 0 && recorder.inFlight === 0 && (await transport.pending()) === 0 ? quiet + 1 : 0;
      if (quiet >= 3) return true;
      await sleep(5);
    }
    return false;
  }

  const down = new Set<StoppableService>();
  return {
    variant,
    gatewayUrl: directory.get('gateway')!,
    urls: Object.fromEntries(directory) as Record<ServiceName, string>,
    recorder,
    transport,
    tokens,
    dataDir,
    settle: (timeoutMs) => (closing ? Promise.resolve(false) : settle(timeoutMs)),
    async stopService(name) {
      if (down.has(name)) return;
      down.add(name);
      await closeServer(servers.get(name)!, DRAIN_MS);
      await relay[name].stop();
      await bus[name].close();
    },
    async startService(name) {
      if (!down.has(name)) return;
      const port = Number(new URL(directory.get(name)!).port);
      servers.set(name, (await listen(apps[name], port)).server);
      relay[name].start();
      await bus[name].resume();
      down.delete(name);
    },
    setLatency(name, ms) {
      latency.set(name, ms);
      bus[name].latencyMs = ms;
    },
    stopped: () => [...down],
    recovery,
    close: () => (closing ??= (async () => {
      try {
        await cleanup(2_000);
      } finally {
        closed = true;
      }
    })()),
  };
}
