import { pauseUnless } from '../core/duration.js';
import type { CrashPoint, FaultService } from '../faults/fault.js';
import type { Hop } from '../tracing/recorder.js';
import type { PlannedService } from './process-plan.js';
import type { RecoveryCounts } from './recovery.js';
import type { DependencyChange } from './service-node.js';
import { ServiceProcess } from './service-process.js';
import type { ServiceName } from './wiring.js';

/** How the supervisor treats a process that ends unasked. */
export interface SupervisorOptions {
  /** Extra environment of a planned service's processes (the token secret for those that need it). */
  env(planned: PlannedService): Record<string, string>;
  hops(hops: Hop[]): void;
  recovery(counts: RecoveryCounts): void;
  /** Hears when a process loses its store or the broker, and when it has it back. */
  dependency?(change: DependencyChange): void;
  /** Start a process again when it dies unasked (serve does, as a container runtime would). */
  restart?: boolean;
  /** Hears when a process dies unasked, and whether it is started again. */
  onExit?: (event: { service: ServiceName; pid: number; reason: string; restarted: boolean }) => void;
  /** Hears every attempt to start again a process that died unasked: when it is made (after `delayMs`), and how it went. */
  onRestart?: (event: RestartAttempt) => void;
  /** First pause before starting a dead process again, doubled after each quick death or failed start up to `restartMaxMs`. */
  restartBaseMs?: number;
  restartMaxMs?: number;
}

/** One attempt to start again a process that died unasked. */
export interface RestartAttempt {
  service: ServiceName;
  replica: number;
  /** 1 for the first attempt since the process last ran for a while. */
  attempt: number;
  delayMs: number;
  outcome: 'started' | 'failed';
  error?: string;
}

/** A process that ran this long before dying starts its restarts from the first pause again. */
const STEADY_MS = 30_000;

/** A crash a fault armed in a process: killed with SIGKILL, then started again with the outbox claims it died holding given back. */
interface ArmedCrash {
  service: FaultService;
  at: CrashPoint;
}

/**
 * The processes of `--processes`: starts each planned replica, starts again one a crash fault killed
 * (and one that died unasked, when told to), and stops them all, the gateway first.
 */
export class ProcessSupervisor {
  readonly children: ServiceProcess[] = [];
  private readonly crashing = new Map<number, ArmedCrash>();
  private readonly fired = new Set<string>();
  private readonly restarts = new Set<Promise<void>>();
  /** Who holds each process's outbox claims, asked once it serves: a process that dies unasked hands them to its successor. */
  private readonly owners = new Map<ServiceProcess, string[]>();
  /** Per replica (`service/replica`): how many restarts in a row, and when the last one started. */
  private readonly streaks = new Map<string, { attempts: number; startedAt: number }>();
  /** Aborted by stopAll: no process is started again after it, and pauses before a restart end. */
  private readonly stopper = new AbortController();

  constructor(private readonly options: SupervisorOptions) {}

  /** Forks one process of a planned service; resolves once it serves, rejects if it ends first. */
  spawn(planned: PlannedService, replica: number): Promise<void> {
    const child = new ServiceProcess(planned, replica, this.options.env(planned), {
      hops: this.options.hops,
      recovery: this.options.recovery,
      dependency: this.options.dependency,
      exited: (process, code, signal) => this.exited(process, code, signal),
    });
    this.children.push(child);
    return child.started.then(() => this.learnOwners(child).then(() => {}, () => {}));
  }

  /** Who sends `child`'s outbox rows, asked once and kept (the names are fixed while it runs). */
  private async learnOwners(child: ServiceProcess): Promise<string[]> {
    const known = this.owners.get(child);
    if (known) return known;
    const { owners } = await child.ask({ kind: 'owners' });
    this.owners.set(child, owners);
    return owners;
  }

  /** Who sends `child`'s outbox rows (the claims it holds carry these names); empty until it serves. */
  outboxOwners(child: ServiceProcess): string[] {
    return this.owners.get(child) ?? [];
  }

  /** The processes not ended (of one service, or all). */
  live(service?: ServiceName): ServiceProcess[] {
    return this.children.filter((c) => !c.exited && (!service || c.service === service));
  }

  /** The consumer groups the processes reported in their last status. */
  groups(): string[] {
    return [...new Set(this.children.flatMap((c) => c.status?.groups ?? []))];
  }

  /** The live processes that answer requests (one just started again may not yet). */
  serving(): ServiceProcess[] {
    return this.live().filter((c) => c.ready);
  }

  /** A crash fault will kill `child` (at once, or when it reaches the point): its outbox owners known first, to give their claims to its successor. */
  async armed(child: ServiceProcess, crash: ArmedCrash): Promise<void> {
    await this.learnOwners(child);
    this.crashing.set(child.pid, crash);
  }

  /** Waits for the processes a crash just killed to be seen ending, then for their restarts. */
  async recovered(): Promise<void> {
    for (const [pid] of this.crashing) {
      const child = this.children.find((c) => c.pid === pid);
      if (!child || child.exited || !(await child.dead())) continue;
      const until = Date.now() + 5_000;
      while (!child.exited && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    }
    await this.restarted();
  }

  /** Waits for every restart under way. */
  async restarted(): Promise<void> {
    while (this.restarts.size) await Promise.allSettled([...this.restarts]);
  }

  /** Forgets the crashes armed in the live processes and says which crash points fired since the last call. */
  disarm(): Set<string> {
    for (const child of this.live()) this.crashing.delete(child.pid);
    const fired = new Set(this.fired);
    this.fired.clear();
    return fired;
  }

  /** Stops every process: the gateway first, so nothing new comes in while the others finish what they hold. */
  async stopAll(forceAfterMs: number): Promise<void> {
    this.stopper.abort();
    for (const group of [this.live('gateway'), this.live().filter((c) => c.service !== 'gateway')]) await Promise.all(group.map((c) => c.stop(forceAfterMs)));
  }

  private exited(child: ServiceProcess, code: number | null, signal: string | null): void {
    const owners = this.owners.get(child) ?? [];
    this.owners.delete(child);
    if (this.stopper.signal.aborted) return;
    const crash = this.crashing.get(child.pid);
    if (crash && signal === 'SIGKILL') {
      this.crashing.delete(child.pid);
      this.fired.add(`${crash.service} ${crash.at}`);
      return this.restart(child, owners);
    }
    const restarted = !!this.options.restart;
    this.options.onExit?.({ service: child.service, pid: child.pid, reason: signal ?? `exit code ${code}`, restarted });
    if (restarted) void this.keepAlive(child, owners);
  }

  /**
   * Starts again a process that died unasked, after a pause that doubles with each quick death or failed
   * start (and falls back to the first once a process ran for STEADY_MS); a failed start is tried again
   * for as long as the supervisor runs. Every attempt is told to `onRestart`.
   */
  private async keepAlive(dead: ServiceProcess, owners: string[]): Promise<void> {
    const key = `${dead.service}/${dead.replica}`;
    const base = this.options.restartBaseMs ?? 250;
    const max = this.options.restartMaxMs ?? 30_000;
    const streak = this.streaks.get(key);
    let attempts = streak && Date.now() - streak.startedAt < STEADY_MS ? streak.attempts : 0;
    while (!this.stopper.signal.aborted) {
      attempts++;
      const delayMs = Math.min(max, base * 2 ** Math.min(16, attempts - 1));
      await pauseUnless(delayMs, this.stopper.signal);
      if (this.stopper.signal.aborted) return;
      this.streaks.set(key, { attempts, startedAt: Date.now() });
      const event = { service: dead.service, replica: dead.replica, attempt: attempts, delayMs };
      try {
        await this.spawn(dead.planned, dead.replica);
        this.options.onRestart?.({ ...event, outcome: 'started' });
        return await this.handOver(dead, owners).catch(() => {});
      } catch (error) {
        this.options.onRestart?.({ ...event, outcome: 'failed', error: (error as Error).message });
      }
    }
  }


  /** Starts again a process a crash fault killed, and gives back the outbox rows it died holding. */
  private restart(dead: ServiceProcess, owners: string[]): void {
    const restart = this.spawn(dead.planned, dead.replica).then(() => this.handOver(dead, owners));
    this.restarts.add(restart);
    void restart.catch(() => {}).finally(() => this.restarts.delete(restart));
  }

  /** Gives the outbox rows `dead` died holding to a live process of its service: they go out now, not when their lease runs out. */
  private async handOver(dead: ServiceProcess, owners: string[]): Promise<void> {
    const child = this.children.findLast((c) => c.service === dead.service && !c.exited);
    if (child && owners.length) await child.ask({ kind: 'release-claims', owners });
  }
}
