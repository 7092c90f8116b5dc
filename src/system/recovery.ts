import type { Store } from '../storage/store.js';
import { newSpanId, newTraceId, type TraceContext } from '../tracing/context.js';
import type { Recorder } from '../tracing/recorder.js';

/** What recovery passes did. */
export interface RecoveryCounts {
  /** Pending orders (older than the grace period) driven to their final status. */
  ordersSettled: number;
  /** Sagas stalled between two steps (older than the grace period) whose next step was asked again. */
  sagasResumed: number;
  /** Of those, orders whose payment billing had never heard of, so the pass asked billing to charge it (taken or declined). */
  ordersCharged: number;
  /** Pending orders left pending because billing could not be reached: nothing is guessed, the next pass asks again. */
  ordersWaiting: number;
  /** Billing accounts opened for registered users that had none. */
  accountsOpened: number;
  /** Order outcomes that waited for their recipient and were sent now. */
  notificationsSent: number;
  /** Inbox records removed after the retention window. */
  inboxPruned: number;
  /** Idempotency keys forgotten after theirs (24 hours). */
  keysPruned: number;
}

/** Tuning of the recovery pass. */
export interface RecoveryOptions {
  /** How old pending work must be before the pass touches it (default 30 s: far longer than any normal flow). */
  graceMs?: number;
  /** How often boot runs the pass (default 5 s). */
  everyMs?: number;
  /** How long inbox records are kept (default 7 days): a message redelivered later than that is no longer recognised. */
  inboxRetentionMs?: number;
}

/** One pass, as tests or an operator ask for it. */
export interface RunOptions {
  /** Overrides the grace period for this pass (0: everything pending now). */
  graceMs?: number;
  /** Checks every registered user for an account, not only those registered since the last pass. */
  full?: boolean;
}

/** The recovery pass of a running system: runs by itself every few seconds; `run` makes one now. */
export interface Recovery {
  /** Runs one pass now (after the one in progress, if any) and returns what it did. */
  run(options?: RunOptions): Promise<RecoveryCounts>;
  /** What every pass so far did, and how many passes ran. */
  readonly totals: RecoveryCounts & { passes: number };
  /** Hears every pass that did something (what serve logs). */
  onPass(listener: (counts: RecoveryCounts) => void): void;
}

/** What a recovery job gets for one pass: the cut-off time, whether to rescan everything, the counts to add to, and a trace to work in. */
export interface RecoveryRun {
  /** Work older than this (ms since the epoch) is stuck; younger work may still be under way. */
  before: number;
  /** Scan everything again, not only what changed since the last pass. */
  full: boolean;
  counts: RecoveryCounts;
  /** Runs `work` in a trace of its own, with `note` recording on it as `service` (`recovery: …`). */
  traced<T>(service: string, work: (note: (label: string) => void, trace: TraceContext) => T): T;
}

/** One service's share of the recovery pass: what it drives to an end when it is stuck. Contributed by the service's module. */
export type RecoveryJob = (run: RecoveryRun) => Promise<void>;

/** What the pass works with in one process: the jobs of the services it runs, and their stores (whose inboxes it prunes). */
export interface RecoveryDeps {
  jobs: RecoveryJob[];
  stores: Store[];
  recorder: Recorder;
}

const zero = (): RecoveryCounts => ({ ordersSettled: 0, sagasResumed: 0, ordersCharged: 0, ordersWaiting: 0, accountsOpened: 0, notificationsSent: 0, inboxPruned: 0, keysPruned: 0 });

/**
 * Drives stuck work to an end, at start-up and every few seconds: runs the jobs the services of this
 * process contribute (each service's module knows its own failure modes) and prunes their inboxes.
 * Each action is a note on the recorder (`recovery: …`) and a count.
 */
export class RecoveryPass implements Recovery {
  readonly totals = { ...zero(), passes: 0 };
  private readonly listeners: ((counts: RecoveryCounts) => void)[] = [];
  private readonly graceMs: number;
  private readonly everyMs: number;
  private readonly retentionMs: number;
  private running: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: RecoveryDeps,
    options: RecoveryOptions = {},
  ) {
    this.graceMs = options.graceMs ?? 30_000;
    this.everyMs = options.everyMs ?? 5_000;
    this.retentionMs = options.inboxRetentionMs ?? 7 * 24 * 3_600_000;
  }

  /** Runs a pass now and then every `everyMs`. */
  start(): void {
    const tick = () => {
      this.run().catch(() => {
        // A store closing under the pass: the next one (or the next boot) goes on.
      });
    };
    this.timer = setInterval(tick, this.everyMs).unref();
    tick();
  }

  /** Stops the timer and waits for the pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => {});
  }

  onPass(listener: (counts: RecoveryCounts) => void): void {
    this.listeners.push(listener);
  }

  run(options: RunOptions = {}): Promise<RecoveryCounts> {
    const pass = this.running.catch(() => {}).then(() => this.pass(options));
    this.running = pass;
    return pass;
  }

  private async pass({ graceMs = this.graceMs, full = false }: RunOptions): Promise<RecoveryCounts> {
    const counts = zero();
    const run: RecoveryRun = { before: Date.now() - graceMs, full, counts, traced: (service, work) => this.traced(service, work) };
    for (const job of this.deps.jobs) await job(run);
    for (const store of this.deps.stores) counts.inboxPruned += store.pruneInbox(this.retentionMs);
    this.totals.passes++;
    for (const key of Object.keys(counts) as (keyof RecoveryCounts)[]) this.totals[key] += counts[key];
    if (Object.values(counts).some((n) => n > 0)) for (const listener of this.listeners) listener(counts);
    return counts;
  }

  /** Runs `work` in a trace of its own, given to it, with `note` recording on it as `service`. */
  private traced<T>(service: string, work: (note: (label: string) => void, trace: TraceContext) => T): T {
    const context: TraceContext = { service, traceId: newTraceId(), spanId: newSpanId() };
    const note = (label: string) => this.deps.recorder.local(service, context.traceId, context.spanId, `recovery: ${label}`);
    return work(note, context);
  }
}
