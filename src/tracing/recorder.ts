import { performance } from 'node:perf_hooks';
import { newSpanId } from './context.js';

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

const now = () => performance.timeOrigin + performance.now();

/** Hops kept by default: about 60 MB; the oldest tenth is dropped when a long-running system passes it. */
export const DEFAULT_HOP_LIMIT = 200_000;

/** Collects the hops of a running system, in the order they finished, indexed by trace. */
export class Recorder {
  private hops: Hop[] = [];
  private byTrace = new Map<string, Hop[]>();
  private openCount = 0;

  constructor(
    readonly enabled = true,
    private readonly limit = DEFAULT_HOP_LIMIT,
  ) {}

  begin(hop: Omit<Hop, 'spanId' | 'start' | 'end' | 'outcome'> & { spanId?: string }): OpenHop {
    const spanId = hop.spanId ?? newSpanId();
    const start = this.enabled ? now() : 0;
    this.openCount++;
    let done = false;
    return {
      spanId,
      end: (result = {}) => {
        if (done) return;
        done = true;
        this.openCount--;
        if (this.enabled) this.add({ ...hop, spanId, start, end: now(), status: result.status, outcome: result.outcome ?? 'ok' });
      },
    };
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

  all(): Hop[] {
    return [...this.hops];
  }

  /** The hops of one trace, by start time. */
  trace(traceId: string): Hop[] {
    return [...(this.byTrace.get(traceId) ?? [])].sort((a, b) => a.start - b.start);
  }

  private add(hop: Hop): void {
    this.hops.push(hop);
    const trace = this.byTrace.get(hop.traceId);
    if (trace) trace.push(hop);
    else this.byTrace.set(hop.traceId, [hop]);
    if (this.hops.length > this.limit) this.dropOldest(Math.ceil(this.limit / 10));
  }

  private dropOldest(count: number): void {
    for (const hop of this.hops.splice(0, count)) {
      const trace = this.byTrace.get(hop.traceId)!;
      trace.splice(trace.indexOf(hop), 1);
      if (trace.length === 0) this.byTrace.delete(hop.traceId);
    }
  }
}
