import type { RequestHandler } from 'express';
import type { FaultTransport } from '../broker/fault-transport.js';
import type { OutboxRelay } from '../broker/outbox-relay.js';
import type { ServiceBus } from '../broker/service-bus.js';
import { sleep, sleepAtLeast } from '../core/duration.js';
import { failingEdge } from '../http/fault-edge.js';
import type { Store } from '../storage/store.js';
import type { ServiceName } from '../system/wiring.js';
import { Crashed, isBrokerFault, type CrashPoint, type Fault, type FaultReport } from './fault.js';
import { NodeFaults } from './node-faults.js';

/** How long a service crashed in this process stays dead before it is started again. */
const RESTART_MS = 200;

/** How the node stops a crashed service at once and starts it again (the parts only the node holds: its server, relay, bus). */
export interface CrashedService {
  /** Drops its connections and stops its relay and consumers at once, nothing acked, nothing more sent. */
  halt(name: ServiceName): void;
  /** Resolves once what the halted service still had under way (its relay's sends) has ended. */
  quiet(name: ServiceName): Promise<void>;
  /** Starts it again as a new process would: its claims given back, listening, relaying and consuming. */
  revive(name: ServiceName): Promise<void>;
  /** Is it stopped on purpose, or the node closing (a crash then does nothing)? */
  resting(name: ServiceName): boolean;
}

/**
 * The fault machinery of the services one process runs, around the parts of a node: their stores as
 * the services' code sees them (refusing writes while crashed), the middleware at each service's edge
 * (added latency, a share of requests failed), the points where an armed crash fires, and the crash and
 * restart itself. The node is built without knowing any fault; it hands its parts to this.
 */
export class FaultyNode {
  readonly faults = new NodeFaults(() => {});
  private readonly latency = new Map<ServiceName, number>();
  private readonly buses = new Map<ServiceName, ServiceBus>();
  private readonly restarts = new Set<Promise<void>>();
  private readonly stores = new Map<ServiceName, Store>();
  private readonly local: readonly ServiceName[];

  constructor(
    local: readonly ServiceName[],
    private readonly transport: FaultTransport,
  ) {
    this.local = local;
  }

  /**
   * `store` as its service's code sees it: the same store, told to refuse every write (with `Crashed`) while the service is
   * dead (its writes, statements, claims and removals of sent rows), so nothing stands between the code and the store otherwise.
   */
  store(name: ServiceName, store: Store): Store {
    this.stores.set(name, store);
    return store;
  }

  /** The middleware at a service's edge: latency a fault added, then a share of its requests failed with 503. */
  edge(name: ServiceName): RequestHandler[] {
    const slow: RequestHandler = async (_req, _res, next) => {
      const ms = this.latency.get(name);
      if (ms) await sleepAtLeast(ms);
      next();
    };
    return [slow, failingEdge(name, () => this.faults.failShare(name))];
  }

  /** Where a crash may be armed in a service: right after a commit that has something to send, after a handler's work, before a claimed row is sent. */
  watch(name: ServiceName, store: Store, relay: OutboxRelay, bus: ServiceBus): void {
    this.buses.set(name, bus);
    const faults = this.faults;
    store.attach({
      wants: (event) => relay.wants(event),
      unrouted: (event) => relay.unrouted(event),
      get claimant() {
        return relay.claimant;
      },
      kick: () => (faults.reached(name, 'after-commit'), relay.kick()),
      take: (rows) => (faults.reached(name, 'after-commit'), relay.take(rows)),
    });
    relay.beforeSend = () => this.faults.reached(name, 'before-publish');
    bus.afterHandled = () => this.faults.reached(name, 'after-commit');
  }

  /** How a crash in this process goes: the service halts at once and is revived a moment later. */
  crashWith(node: CrashedService): void {
    this.faults.crash = (name: ServiceName, point: CrashPoint) => {
      if (this.faults.dead.has(name) || node.resting(name)) return;
      this.faults.dead.set(name, point);
      this.stores.get(name)?.refuseWrites(() => new Crashed(name, point));
      node.halt(name);
      const restart = (async () => {
        await sleep(RESTART_MS);
        await node.quiet(name);
        if (node.resting(name)) return;
        this.faults.dead.delete(name);
        this.stores.get(name)?.refuseWrites(undefined);
        await node.revive(name);
      })();
      this.restarts.add(restart);
      void restart.catch(() => {}).finally(() => this.restarts.delete(restart));
    };
  }

  setLatency(name: ServiceName, ms: number): void {
    this.latency.set(name, ms);
    const bus = this.buses.get(name);
    if (bus) bus.latencyMs = ms;
  }

  /** Puts a fault on the local services or the transport, or takes it off (its zero). */
  fault(fault: Fault): void {
    if (isBrokerFault(fault)) this.transport.apply(fault);
    else if (!this.local.includes(fault.service)) return;
    else if (fault.kind === 'fail') this.faults.fail(fault.service, fault.share);
    else this.faults.arm(fault.service, fault.at);
  }

  /** Takes every fault and added latency off, waits for crashed services to be back; says which crashes never fired. */
  async heal(): Promise<FaultReport> {
    this.transport.heal();
    for (const name of this.latency.keys()) this.setLatency(name, 0);
    const report = this.faults.heal();
    await this.recovered();
    return report;
  }

  /** Resolves once every local service a crash stopped is started again. */
  async recovered(): Promise<void> {
    while (this.restarts.size) await Promise.allSettled([...this.restarts]);
  }
}
