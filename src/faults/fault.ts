import { AppError } from '../core/errors.js';
import type { StoreOwner } from '../system/wiring.js';

/** The services a fault may hit: every one but the gateway, where the scenario's own requests come in. */
export const FAULT_SERVICES = ['identity', 'billing', 'order', 'notification', 'stock', 'delivery'] as const satisfies readonly StoreOwner[];
/** A service a fault may hit. */
export type FaultService = (typeof FAULT_SERVICES)[number];

/**
 * Where a crash may happen. `after-commit`: the service committed a write that has something to send
 * (an event, a reply, a call), or a message handler of it committed; it dies before it answers, acks
 * or sends any of it. `before-publish`: its outbox relay claimed a row and dies before sending it.
 * `now`: at once, whatever it is doing.
 */
export const CRASH_POINTS = ['after-commit', 'before-publish', 'now'] as const;
/** A point at which a crash may happen. */
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Every message type, for the message faults (`message: all`). */
export const ALL_MESSAGES = 'all';

/**
 * A fault as the system takes it, once a step was read: each one is put on by a value and taken off by
 * its zero (`ms: 0`, `share: 0`, `on: false`); a crash fires once.
 */
export type Fault =
  | { kind: 'broker-cut'; on: boolean }
  | { kind: 'broker-latency'; ms: number }
  | { kind: 'late'; message: string; ms: number }
  | { kind: 'duplicate'; message: string; share: number }
  | { kind: 'drop'; message: string; share: number }
  | { kind: 'fail'; service: FaultService; share: number }
  | { kind: 'crash'; service: FaultService; at: CrashPoint };

/** The faults that act on the broker (every process's transport), rather than on one service. */
export type BrokerFault = Extract<Fault, { kind: 'broker-cut' | 'broker-latency' | 'late' | 'duplicate' | 'drop' }>;

export const isBrokerFault = (fault: Fault): fault is BrokerFault => fault.kind !== 'fail' && fault.kind !== 'crash';

/** What a system says when its faults are taken off: the crashes that were armed and never happened. */
export interface FaultReport {
  unfired: { service: FaultService; at: CrashPoint }[];
}

/** A service died on purpose: what the code that was running in it when it crashed is told, so that it goes no further. */
export class Crashed extends AppError {
  constructor(
    readonly service: string,
    readonly point: CrashPoint,
  ) {
    super('SHUTTING_DOWN', `${service} crashed (${point}): a fault the scenario injected`);
  }
}

/**
 * A share taken evenly and the same way every run: `take()` says yes for `share` of its calls,
 * the first one included (50%: the 1st, 3rd, 5th…; 100%: all; 0: none).
 */
export class Share {
  private credit: number;

  constructor(readonly share: number) {
    this.credit = 1 - share;
  }

  take(): boolean {
    if (this.share <= 0) return false;
    this.credit += this.share;
    if (this.credit < 1 - 1e-9) return false;
    this.credit -= 1;
    return true;
  }
}
