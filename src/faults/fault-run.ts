import { parseDuration } from '../core/duration.js';
import type { RunningSystem } from '../system/boot.js';
import { usesBroker } from '../variants/variant.js';
import type { FaultReport, FaultService } from './fault.js';
import { endOf, faultKey, faultTitle, namedMessage, onBroker, type FaultAction } from './fault-steps.js';
import { messageTypes } from './message-types.js';

/** How long a step's aftermath may take to settle while a crash is armed. */
const SETTLE_MS = 3_000;

/** A fault step's arguments once read: what it does, and how long it lasts (until a step ends it when absent). */
export interface FaultArgs {
  action: FaultAction;
  lasting?: string | number;
}

/** What a fault step did, as a step's outcome. */
export interface FaultOutcome {
  status: number;
  problems: string[];
  summary: string;
}

/**
 * The faults one scenario run put on a system: each lasts until a step ends it or its `for` runs out,
 * and every one is taken off when the run ends (`end`), whatever happened, so the next run finds the
 * system healthy.
 */
export class FaultRun {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly stopped = new Set<FaultService>();
  private readonly ending = new Set<Promise<unknown>>();
  private readonly late: string[] = [];
  private crashes = false;

  constructor(private readonly system: RunningSystem) {}

  /** Why this step cannot run on this style, if it cannot: a broker fault where there is no broker, a message the style never sends. */
  problem({ action }: FaultArgs): string | undefined {
    const { variant } = this.system;
    if (onBroker(action) && !usesBroker(variant)) return `${variant.name} uses no broker, so there is nothing to ${faultTitle(action)}: add only: [uses-broker] to this step`;
    const message = namedMessage(action);
    const types = messageTypes(variant);
    if (message && !types.includes(message)) return `${variant.name} never sends ${message}: it sends ${types.join(', ')}; add only: to this step, or name a message it sends`;
    return undefined;
  }

  async perform(args: FaultArgs): Promise<FaultOutcome> {
    const wrong = this.problem(args);
    if (wrong) return { status: 400, problems: [wrong], summary: 'not done' };
    const { action, lasting } = args;
    const key = faultKey(action);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (action.kind === 'fault' && action.fault.kind === 'crash') this.crashes = true;
    await this.apply(action);
    const end = endOf(action);
    if (end && lasting !== undefined) {
      const ms = parseDuration(lasting);
      this.timers.set(
        key,
        setTimeout(() => {
          this.timers.delete(key);
          const ended = this.apply(end).catch((error: Error) => void this.late.push(`${faultTitle(end)} after ${lasting}: ${error.message}`));
          this.ending.add(ended);
          void ended.finally(() => this.ending.delete(ended));
        }, ms),
      );
    }
    return { status: 200, problems: [], summary: `${faultTitle(action, lasting)}: done${end && lasting === undefined ? ', until a step ends it' : ''}` };
  }

  /**
   * After each step, once a crash was armed: what the step set going is let finish (a relay may reach
   * its crash point after the answer), and a service a crash killed is started again before the next step.
   */
  async steady(): Promise<void> {
    if (!this.crashes) return;
    await this.system.settle(SETTLE_MS);
    await this.system.recovered();
  }

  /** Takes every fault off: timers cleared, stopped services started, the rest healed; what went wrong on the way, and the crashes that never fired. */
  async end(): Promise<FaultReport & { problems: string[] }> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.ending]);
    const problems = [...this.late];
    // The broker first: a service started again subscribes to it.
    const report = await this.system.heal().catch((error: Error): FaultReport => (problems.push(`taking the faults off: ${error.message}`), { unfired: [] }));
    for (const service of this.stopped) {
      await this.system.startService(service).catch((error: Error) => problems.push(`starting ${service} again: ${error.message}`));
    }
    this.stopped.clear();
    return { ...report, problems };
  }

  private async apply(action: FaultAction): Promise<void> {
    switch (action.kind) {
      case 'stop':
        await this.system.stopService(action.service);
        this.stopped.add(action.service);
        return;
      case 'start':
        await this.system.startService(action.service);
        this.stopped.delete(action.service);
        return;
      case 'latency':
        return this.system.setLatency(action.service, action.ms);
      case 'fault':
        return this.system.fault(action.fault);
    }
  }
}
