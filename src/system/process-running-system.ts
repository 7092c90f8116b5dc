import type { Transport } from '../broker/transport.js';
import type { Tokens } from '../core/tokens.js';
import type { ServiceCredentials } from '../http/service-credentials.js';
import { isBrokerFault, type Fault, type FaultReport } from '../faults/fault.js';
import type { Recorder } from '../tracing/recorder.js';
import type { Variant } from '../variants/variant.js';
import type { RunningSystem, StoppableService } from './boot.js';
import type { Capacity } from './capacity.js';
import type { ProcessStatus } from './harness-messages.js';
import type { ProcessSupervisor } from './process-supervisor.js';
import { operatorHeaders, type MeshMember } from './mesh.js';
import { untilQuiet } from './quiet.js';
import type { Recovery, RecoveryCounts } from './recovery.js';
import type { DependencyChange } from './service-node.js';
import type { Ask } from './service-process.js';
import type { ServiceName } from './wiring.js';

type Totals = RecoveryCounts & { passes: number };

const sum = (all: Partial<Totals>[]): Totals => {
  const total: Totals = { ordersSettled: 0, sagasResumed: 0, ordersCharged: 0, ordersWaiting: 0, accountsOpened: 0, notificationsSent: 0, inboxPruned: 0, keysPruned: 0, passes: 0 };
  for (const counts of all) for (const key of Object.keys(total) as (keyof Totals)[]) total[key] += counts[key] ?? 0;
  return total;
};

/** What a booted set of service processes is made of, handed to the facade that runs it. */
export interface ProcessSystemParts {
  variant: Variant;
  processes: ProcessSupervisor;
  recorder: Recorder;
  /** The harness's own connection to the broker: for parked messages, replays and publishes of its own. */
  admin: Transport;
  tokens: Tokens;
  /** The harness's credentials (it loads catalogs and zones). */
  credentials: Partial<Record<MeshMember, ServiceCredentials>>;
  dataDir: string;
  urls: Record<ServiceName, string>;
  namespace?: string;
  /** Hears every recovery pass that did something, in any process. */
  onPass(listener: (counts: RecoveryCounts) => void): void;
  /** Hears every process losing its store or the broker, or having it back. */
  onDependency(listener: (change: DependencyChange) => void): void;
  /** Stops the processes and gives back what the system held (ports, broker queues, schemas, files). */
  cleanup(): Promise<void>;
}

/**
 * The running system of `--processes`: a thin facade over the supervisor that asks each process, over
 * its IPC channel, what the system is asked (status, stop and start, faults, the recovery pass).
 */
export class ProcessSystem implements RunningSystem {
  readonly variant: Variant;
  readonly gatewayUrl: string;
  readonly urls: Record<ServiceName, string>;
  readonly recorder: Recorder;
  readonly transport: Transport;
  readonly tokens: Tokens;
  readonly dataDir: string;
  readonly namespace?: string;
  readonly recovery: Recovery;
  readonly operatorHeaders: (service: ServiceName) => Record<string, string>;
  readonly watchDependencies: (listener: (change: DependencyChange) => void) => void;
  private readonly down = new Set<StoppableService>();
  private closing?: Promise<void>;

  constructor(private readonly parts: ProcessSystemParts) {
    const { processes, admin } = parts;
    this.variant = parts.variant;
    this.urls = parts.urls;
    this.gatewayUrl = parts.urls.gateway;
    this.recorder = parts.recorder;
    this.tokens = parts.tokens;
    this.dataDir = parts.dataDir;
    this.operatorHeaders = (service) => operatorHeaders(parts.credentials, service);
    this.watchDependencies = (listener) => parts.onDependency(listener);
    if (parts.namespace) this.namespace = parts.namespace;
    this.recovery = {
      async run(runOptions = {}) {
        const { passes: _passes, ...counts } = sum(await Promise.all(processes.live().map((child) => child.ask({ kind: 'recover', options: runOptions }))));
        return counts;
      },
      get totals() {
        return sum(processes.children.map((c) => c.status?.recovery ?? {}));
      },
      onPass: (listener) => parts.onPass(listener),
    };
    this.transport = {
      kind: admin.kind,
      publish: (message) => admin.publish(message),
      subscribe: (group, types, handler, subscribeOptions) => admin.subscribe(group, types, handler, subscribeOptions),
      request: (message, requestOptions) => admin.request(message, requestOptions),
      parked: (group) => admin.parked(group),
      replay: (group, ids) => admin.replay(group, ids),
      groups: () => processes.groups(),
      pending: async () => (await this.statuses()).reduce((n, s) => n + s.pending, 0),
      close: async () => {},
    };
  }

  /** Every serving process's status, asked now. */
  statuses(): Promise<ProcessStatus[]> {
    return Promise.all(this.parts.processes.serving().map((child) => child.refresh()));
  }

  private async isQuiet(): Promise<boolean> {
    const all = await this.statuses().catch(() => undefined);
    return !!all && all.every((s) => s.waiting === 0 && s.inFlight === 0 && s.pending === 0);
  }

  private everyReplica(name: ServiceName, request: Ask) {
    return Promise.all(this.parts.processes.live(name).map((child) => child.ask(request)));
  }

  settle(timeoutMs = 10_000): Promise<boolean> {
    return this.closing ? Promise.resolve(false) : untilQuiet(() => this.isQuiet(), timeoutMs, () => !!this.closing);
  }

  async stopService(name: StoppableService): Promise<void> {
    await this.everyReplica(name, { kind: 'stop-service' });
    this.down.add(name);
  }

  async startService(name: StoppableService): Promise<void> {
    await this.everyReplica(name, { kind: 'start-service' });
    this.down.delete(name);
  }

  async setLatency(name: StoppableService, ms: number): Promise<void> {
    await this.everyReplica(name, { kind: 'latency', ms });
  }

  async setCapacity(capacity: Capacity | undefined): Promise<void> {
    await Promise.all(this.parts.processes.serving().map((child) => child.ask({ kind: 'capacity', ...(capacity ? { capacity } : {}) })));
  }

  async fault(fault: Fault): Promise<void> {
    const { processes } = this.parts;
    if (isBrokerFault(fault)) {
      await Promise.all(processes.serving().map((child) => child.ask({ kind: 'fault', fault })));
      return;
    }
    if (fault.kind === 'fail') {
      await this.everyReplica(fault.service, { kind: 'fault', fault });
      return;
    }
    for (const child of processes.live(fault.service)) {
      // Known as armed before the process is: a crash at its point is always seen as the fault's.
      await processes.armed(child, { service: fault.service, at: fault.at });
      if (fault.at === 'now') child.kill('SIGKILL');
      else await child.ask({ kind: 'fault', fault });
    }
  }

  recovered(): Promise<void> {
    return this.parts.processes.recovered();
  }

  async heal(): Promise<FaultReport> {
    const { processes } = this.parts;
    await processes.restarted();
    const reports = await Promise.all(processes.serving().map((child) => child.ask({ kind: 'heal' }).catch((): FaultReport => ({ unfired: [] }))));
    await processes.restarted();
    const fired = processes.disarm();
    const unfired = reports.flatMap((r) => r.unfired).filter((u, i, all) => !fired.has(`${u.service} ${u.at}`) && all.findIndex((o) => o.service === u.service && o.at === u.at) === i);
    return { unfired };
  }

  stopped(): StoppableService[] {
    return [...this.down];
  }

  async unrouted(): Promise<Record<string, number>> {
    const total: Record<string, number> = {};
    for (const status of await this.statuses()) for (const [key, n] of Object.entries(status.unrouted)) total[key] = (total[key] ?? 0) + n;
    return total;
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      await untilQuiet(() => this.isQuiet(), 2_000, () => false, 1);
      await this.parts.cleanup();
    })());
  }

  processCosts() {
    return Promise.all(
      this.parts.processes.live().map(async (child) => {
        const { cpuSeconds, rssMb } = await child.ask({ kind: 'status' });
        return { service: child.service, pid: child.pid, cpuSeconds, rssMb };
      }),
    );
  }

  processes() {
    return this.parts.processes.children.map((c) => ({ service: c.service, pid: c.pid, alive: !c.exited, outboxOwners: this.parts.processes.outboxOwners(c) }));
  }
}
