import type { OutboxReader, OutboxRow, Store } from '../storage/store.js';
import { currentTrace, newSpanId, newTraceId, parseTraceparent, withTrace } from '../tracing/context.js';
import type { ServiceBus } from './service-bus.js';
import { HEADERS } from './transport.js';

/** Turns a domain event into the broker message a variant's link sends for it. */
export type Route = (payload: any) => { type: string; data: unknown };

const BATCH = 128;

/**
 * Publishes a service's outbox: every raised event its links route becomes a broker message,
 * and leaves the outbox only once the broker confirmed it. Runs after each commit that raised
 * events, and every `pollMs` for what a failed or interrupted pass left behind.
 */
export class OutboxRelay implements OutboxReader {
  private readonly routes = new Map<string, Route>();
  private pass?: Promise<void>;
  private again = false;
  private scheduled = false;
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly bus: ServiceBus,
    private readonly pollMs = 500,
  ) {
    store.attach(this);
  }

  route(event: string, route: Route): void {
    this.routes.set(event, route);
  }

  wants(event: string): boolean {
    return this.routes.has(event);
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.pollMs).unref();
    this.kick();
  }

  /** Stops publishing; what is still in the outbox stays there for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pass;
  }

  /** Schedules a pass once the current work is done (so a commit's own notes come before its messages). */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  private run(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.drain()
      .catch(() => {
        // The broker refused or is away: the rows stay, the next kick or poll tries again.
      })
      .finally(() => {
        this.pass = undefined;
        if (this.again) {
          this.again = false;
          this.run();
        }
      });
  }

  private async drain(): Promise<void> {
    for (let rows = this.store.outbox(BATCH); rows.length > 0 && !this.stopped; rows = this.store.outbox(BATCH)) {
      await Promise.all(rows.map((row) => this.publish(row)));
    }
  }

  private async publish(row: OutboxRow): Promise<void> {
    const route = this.routes.get(row.event);
    if (route) {
      const { type, data } = route(row.payload);
      const parent = parseTraceparent(row.headers[HEADERS.traceparent]);
      const context = {
        service: this.bus.service,
        traceId: parent?.traceId ?? currentTrace()?.traceId ?? newTraceId(),
        spanId: parent?.spanId ?? newSpanId(),
        correlationId: row.headers[HEADERS.correlationId],
      };
      await withTrace(context, () => this.bus.publish(type, data, {}, row.messageId));
    }
    this.store.published(row.seq);
  }
}
