import { randomUUID } from 'node:crypto';
import { sleep } from '../core/duration.js';
import { AppError } from '../core/errors.js';
import { upstreamError, type ServiceClient } from '../http/service-client.js';
import type { OutboxReader, OutboxRow, Store } from '../storage/store.js';
import { currentTrace, newSpanId, newTraceId, parseTraceparent, withTrace, type TraceContext } from '../tracing/context.js';
import type { ServiceBus } from './service-bus.js';
import { HEADERS } from './transport.js';

/** Turns a domain event into the broker message a variant's link sends for it. */
export type Route = (payload: any) => { type: string; data: unknown };

/** Turns a domain event into the REST call a variant's link makes for it; the callee must be idempotent (the call may be made again). */
export type CallRoute = (payload: any) => { to: string; method: string; path: string; body?: unknown };

const BATCH = 128;
/** How long a sender holds a row it claimed (longer than any HTTP call or publish may take). */
const LEASE_MS = 30_000;
/** How long a synchronous send waits for a row another relay is sending. */
const HELD_WAIT_MS = 5_000;
const backoff = (attempts: number) => Math.min(5_000, 50 * 2 ** Math.min(attempts, 10));

/**
 * Sends a service's outbox: every raised event its links route becomes a broker message or a
 * REST call, every reply a message; a row leaves the outbox only once the broker confirmed it or
 * the callee answered 2xx. Rows are claimed before they are sent (so two senders never send one
 * row at once) and sent one at a time per aggregate, in order. Runs after each commit that wrote
 * rows, and every `pollMs` for what failed (retried with backoff) or was interrupted.
 */
export class OutboxRelay implements OutboxReader {
  private readonly routes = new Map<string, Route>();
  private readonly calls = new Map<string, CallRoute>();
  private readonly sending = new Map<number, Promise<Error | undefined>>();
  /** Who holds the rows this relay claimed (a claim outlives a relay that died holding it, for its lease). */
  readonly owner = randomUUID();
  /** Hears of each claimed row just before it is sent: where a fault may crash the service (`before-publish`). */
  beforeSend?: (row: OutboxRow) => void;
  private pass?: Promise<void>;
  private again = false;
  private scheduled = false;
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly bus: ServiceBus,
    private readonly pollMs = 500,
    private readonly http?: ServiceClient,
  ) {
    store.attach(this);
  }

  /** Publishes `event` as the message `route` makes of it. */
  route(event: string, route: Route): void {
    this.routes.set(event, route);
  }

  /** Makes the REST call `route` makes of `event`, retried until the callee answers 2xx. */
  call(event: string, route: CallRoute): void {
    if (!this.http) throw new Error(`the outbox relay of ${this.bus.service} makes no calls`);
    this.calls.set(event, route);
  }

  wants(event: string): boolean {
    return this.routes.has(event) || this.calls.has(event);
  }

  /** The domain events this relay carries, as messages or calls. */
  routed(): string[] {
    return [...this.routes.keys(), ...this.calls.keys()];
  }

  /** Domain events the style's plan makes unnecessary: raised and not carried, on purpose. */
  readonly absorbed = new Set<string>();
  /** Domain events raised that neither a route nor the plan accounts for, by name: a bug the plan should have refused. */
  readonly unroutedCounts = new Map<string, number>();

  /** Hears of an event raised that this relay does not carry: expected when the plan absorbs it, else logged (once per name) and counted. */
  unrouted(event: string): void {
    if (this.absorbed.has(event)) return;
    const n = (this.unroutedCounts.get(event) ?? 0) + 1;
    this.unroutedCounts.set(event, n);
    if (n === 1) console.error(`orderctl: ${this.bus.service} raised ${event} and nothing in this style carries it (dropped; counted in unrouted events)`);
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.pollMs).unref();
    this.kick();
  }

  /** Stops sending; what is still in the outbox stays there for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pass;
    await Promise.all(this.sending.values());
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

  /**
   * Sends the rows of `aggregate` now, in order (what a synchronous style does right after its
   * commit). Rejects with the first failure: that row stays in the outbox and the relay retries it.
   */
  async deliverNow(aggregate: string): Promise<void> {
    const deadline = Date.now() + HELD_WAIT_MS;
    for (;;) {
      if (this.stopped) throw new AppError('SHUTTING_DOWN', `${this.bus.service} is shutting down: what it had to send stays in its outbox for the next start`);
      const [head] = this.store.rowsOf(aggregate);
      if (!head) return;
      let sending = this.sending.get(head.seq);
      if (!sending) {
        if (head.claimed || !this.store.claim(head.seq, this.owner, LEASE_MS)) {
          // Someone else (another relay) holds it: wait for them to finish, as the caller waits for the call.
          if (Date.now() > deadline) throw new AppError('UPSTREAM_TIMEOUT', `${this.bus.service} could not make its call in time: it stays in its outbox and is retried`);
          await sleep(5);
          continue;
        }
        sending = this.send(head);
      }
      const error = await sending;
      if (error) throw error;
    }
  }

  private run(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.drain()
      .catch(() => {
        // The store closed under us: what is left stays for the next start.
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
    while (!this.stopped) {
      const claimed = this.store.claimReady(BATCH, this.owner, LEASE_MS);
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((row) => this.send(row)));
    }
  }

  /** Sends one claimed row; resolves with the error when it failed (the row is then given back with a retry time). */
  private send(row: OutboxRow): Promise<Error | undefined> {
    const sending = this.perform(row).then(
      () => {
        this.store.published(row.seq);
        return undefined;
      },
      (error: Error) => {
        this.store.failed(row.seq, Date.now() + backoff(row.attempts));
        return error;
      },
    );
    const tracked = sending.catch((error: Error) => error).finally(() => this.sending.delete(row.seq));
    this.sending.set(row.seq, tracked);
    return tracked;
  }

  private async perform(row: OutboxRow): Promise<void> {
    this.beforeSend?.(row);
    const parent = parseTraceparent(row.headers[HEADERS.traceparent]);
    const context: TraceContext = {
      service: this.bus.service,
      traceId: parent?.traceId ?? currentTrace()?.traceId ?? newTraceId(),
      spanId: parent?.spanId ?? newSpanId(),
      correlationId: row.headers[HEADERS.correlationId],
    };
    if (row.kind === 'message') return withTrace(context, () => this.bus.publish(row.event, row.payload, {}, row.messageId));
    const route = this.routes.get(row.event);
    if (route) {
      const { type, data } = route(row.payload);
      return withTrace(context, () => this.bus.publish(type, data, {}, row.messageId));
    }
    const call = this.calls.get(row.event);
    if (call && this.http) {
      const { to, method, path, body } = call(row.payload);
      const answer = await withTrace(context, () => this.http!.call(to, method, path, body));
      // A 4xx will not change by asking again (the callee refused what was asked): the row is dropped, the hop shows the answer.
      if (answer.status >= 500 || answer.status === 408 || answer.status === 429) throw upstreamError(to, answer);
    }
    // Neither routed nor called (the link that wanted it is gone): nothing to send.
  }
}
