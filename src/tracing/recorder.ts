import { performance } from 'node:perf_hooks';
import { newSpanId } from './context.js';
import { HopRing } from './hop-ring.js';

/** The kinds of hop: an HTTP exchange, a message put on the broker, its delivery to a consumer, local work. */
export type HopKind = 'http' | 'publish' | 'consume' | 'local';

/** One recorded interaction between two participants (or local work, where from === to). */
export interface Hop {
  spanId: string;
  parentSpanId?: string;
  traceId: string;
  kind: HopKind;
  from: string;
  to: string;
  /** `POST /payments`, `PaymentCreated`, `order pending -> succeeded`. */
  label: string;
  /** HTTP status for http hops. */
  status?: number;
  /** `ok`, or why it did not go well (`nack`, `error`, `timeout`, ...). */
  outcome: string;
  messageId?: string;
  /** On the consume of a reply: the span of the request publish whose wait it ends. */
  resumes?: string;
  /** Epoch milliseconds with sub-millisecond precision. */
  start: number;
  end: number;
}

/** Started hop, finished with `end()`. */
export interface OpenHop {
  readonly spanId: string;
  end(result?: { status?: number; outcome?: string }): void;
}

/** What `begin` is told of a hop. */
export type HopStart = Omit<Hop, 'spanId' | 'start' | 'end' | 'outcome'> & { spanId?: string };

const now = () => performance.timeOrigin + performance.now();

/** Hops kept by default: the last 50 000, in a ring of about 6 MB allocated once. */
export const DEFAULT_HOP_LIMIT = 50_000;

/** The hops a recorder keeps: `ORDERCTL_HOP_LIMIT` when it is a whole number of at least 10, else DEFAULT_HOP_LIMIT. */
export function hopLimit(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.ORDERCTL_HOP_LIMIT);
  return Number.isInteger(n) && n >= 10 ? n : DEFAULT_HOP_LIMIT;
}

/** A hop begun and not ended yet: one short-lived object, ended once. */
class Pending implements OpenHop {
  private done = false;

  constructor(
    private readonly recorder: Recorder,
    private readonly hop: HopStart,
    readonly spanId: string,
    private readonly start: number,
  ) {}

  end(result?: { status?: number; outcome?: string }): void {
    if (this.done) return;
    this.done = true;
    this.recorder.ended(this.hop, this.spanId, this.start, result);
  }
}

/** Collects the hops of a running system, in the order they finished, indexed by trace; keeps the last `limit` in a ring. */
export class Recorder {
  private readonly ring?: HopRing;
  private openCount = 0;
  private listeners: ((hop: Hop) => void)[] = [];

  constructor(
    readonly enabled = true,
    private readonly limit = hopLimit(),
  ) {
    if (enabled) this.ring = new HopRing(limit);
  }

  /** Hops dropped so far to stay within the limit (the oldest, one at a time). */
  get dropped(): number {
    return this.ring?.overwritten ?? 0;
  }

  begin(hop: HopStart): OpenHop {
    this.openCount++;
    return new Pending(this, hop, hop.spanId ?? newSpanId(), this.enabled ? now() : 0);
  }

  /** Ends a hop `begin` opened (called by it). */
  ended(hop: HopStart, spanId: string, start: number, result: { status?: number; outcome?: string } = {}): void {
    this.openCount--;
    if (!this.enabled) return;
    this.add({
      spanId,
      parentSpanId: hop.parentSpanId,
      traceId: hop.traceId,
      kind: hop.kind,
      from: hop.from,
      to: hop.to,
      label: hop.label,
      status: result.status,
      outcome: result.outcome ?? 'ok',
      messageId: hop.messageId,
      resumes: hop.resumes,
      start,
      end: now(),
    });
  }

  /** Records local work (a state change) as a zero-length hop. */
  local(service: string, traceId: string, parentSpanId: string | undefined, label: string): void {
    if (!this.enabled) return;
    const t = now();
    this.add({ spanId: newSpanId(), parentSpanId, traceId, kind: 'local', from: service, to: service, label, outcome: 'ok', start: t, end: t });
  }

  /** Hops not finished yet (requests in flight, deliveries being handled), counted even with recording off. */
  get inFlight(): number {
    return this.openCount;
  }

  /** Hears every hop as it is recorded (a service process passes them on to the harness that collects them). */
  onHop(listener: (hop: Hop) => void): void {
    this.listeners.push(listener);
  }

  /** Takes hops recorded elsewhere (by another process of the same system). */
  ingest(hops: Hop[]): void {
    if (this.enabled) for (const hop of hops) this.add(hop);
  }

  /** How many hops are kept now, how many were dropped, and the most that are kept. */
  get window(): { kept: number; dropped: number; limit: number } {
    return { kept: this.ring?.kept ?? 0, dropped: this.dropped, limit: this.limit };
  }

  all(): Hop[] {
    return this.ring?.all() ?? [];
  }

  /** The hops of one trace, by start time. */
  trace(traceId: string): Hop[] {
    return (this.ring?.trace(traceId) ?? []).sort((a, b) => a.start - b.start);
  }

  private add(hop: Hop): void {
    this.ring!.add(hop);
    for (const listener of this.listeners) listener(hop);
  }
}
