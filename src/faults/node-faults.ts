import type { ServiceName } from '../system/wiring.js';
import { Crashed, Share, type CrashPoint, type FaultReport, type FaultService } from './fault.js';

/** What a crash does where the service runs: restarts it inside this process, or kills the process (one process per service). */
export type CrashAction = (service: ServiceName, point: CrashPoint) => void;

/** The service faults of the services one process runs: a share of requests failed at the edge, a crash armed at a point. */
export class NodeFaults {
  private readonly failing = new Map<ServiceName, Share>();
  private readonly armed = new Map<ServiceName, CrashPoint>();
  /** Services crashed and not yet back: their stores refuse every write meanwhile, as a dead process writes nothing. */
  readonly dead = new Map<ServiceName, CrashPoint>();

  constructor(public crash: CrashAction) {}

  /** The share of `service`'s requests to fail now, if any. */
  failShare(service: ServiceName): Share | undefined {
    return this.failing.get(service);
  }

  fail(service: FaultService, share: number): void {
    if (share > 0) this.failing.set(service, new Share(share));
    else this.failing.delete(service);
  }

  /** Arms a crash of `service` at `at`; `now` crashes it at once. */
  arm(service: FaultService, at: CrashPoint): void {
    if (at === 'now') return this.crash(service, at);
    this.armed.set(service, at);
  }

  /** `service` reached `point`: if a crash is armed there, it fires (once) and the code that got here goes no further. */
  reached(service: ServiceName, point: CrashPoint): void {
    if (this.armed.get(service) !== point) return;
    this.armed.delete(service);
    this.crash(service, point);
    throw new Crashed(service, point);
  }

  /** Takes every service fault off; says which armed crashes never fired. */
  heal(): FaultReport {
    const unfired = [...this.armed].map(([service, at]) => ({ service: service as FaultService, at }));
    this.failing.clear();
    this.armed.clear();
    return { unfired };
  }
}
