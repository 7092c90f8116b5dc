import { randomUUID } from 'node:crypto';
import { sleep } from '../core/duration.js';
import { AppError } from '../core/errors.js';
import { upstreamError, type ServiceClient } from '../http/service-client.js';
import { OUTBOX_LEASE_MS, type HandedRow, type OutboxReader, type OutboxRow, type Store } from '../storage/store.js';
import { newSpanId, newTraceId, parseTraceparent, type TraceContext } from '../tracing/context.js';
import type { ServiceBus } from './service-bus.js';
import { HEADERS } from './transport.js';

/** Turns a domain event into the broker message a variant's link sends for it. */
export type Route = (payload: any) => { type: string; data: unknown };

/** Turns a domain event into the REST call a variant's link makes for it; the callee must be idempotent (the call may be made again). */
export type CallRoute = (payload: any) => { to: string; method: string; path: string; body?: unknown };

const BATCH = 128;
const LEASE_MS = OUTBOX_LEASE_MS;
/**
 * How long sent rows wait to be removed together (one DELETE), at most; a full batch goes at once. Long enough that a
 * busy relay removes many rows per round trip to its database: a row sent and not yet removed is held by its claim, and
 * after a crash it is sent again, which every receiver absorbs (see `Store.sent`).
 */
const FLUSH_MS = 100;
const FLUSH_AT = 256;
/** How long a synchronous send waits for a row another relay is sending. */
const HELD_WAIT_MS = 5_000;
const backoff = (attempts: number) => Math.min(5_000, 50 * 2 ** Math.min(attempts, 10));

/**
 * Sends a service's outbox: every raised event its links route becomes a broker message or a
 * REST call, every reply a message; a row leaves the outbox only once the broker confirmed it or
 * the callee answered 2xx. Rows are claimed before they are sent (so two senders never send one
 * row at once) and sent one at a time per aggregate, in order.
 *
 * A commit hands the rows it wrote over in memory, already claimed for this relay in the same
 * transaction when every earlier row of their aggregate was this relay's too: no query to find or
 * claim them. Each aggregate's rows held here form a lane, sent one after the other; when one fails
 * it is given back with a retry time and the rest of its lane is given back unsent, for the pass.
 * Every `pollMs` (and when a commit left rows it could not claim) a pass claims what is due: rows
 * that failed, were interrupted, or were written by another process. Sent rows are removed in
 * batches, one DELETE each FLUSH_MS (see `Store.sent` for why a row sent again is harmless).
 */
export class OutboxRelay implements OutboxReader {
  private readonly routes = new Map<string, Route>();
  private readonly calls = new Map<string, CallRoute>();
  /** Rows this relay holds and has not finished (queued in their lane or being sent), by message id: what each ends with. */
  private readonly sending = new Map<string, Promise<Error | undefined>>();
  /** The rows held per aggregate, as a chain: the last one's outcome, and how many are not finished. */
  private readonly lanes = new Map<string, Lane>();
  /** Rows sent and not yet removed (their DELETE waits for the next flush). */
  private readonly sent = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  /** Resolves on the next turn of the event loop: handed rows go out after the work that committed them. */
  private turn?: Promise<undefined>;
  /** Who holds the rows this relay claimed (a claim outlives a relay that died holding it, for its lease). */
  readonly owner = randomUUID();
  /** Hears of each claimed row just before it is sent: where a fault may crash the service (`before-publish`). */
  beforeSend?: (row: Omit<OutboxRow, 'seq'>) => void;
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

  /** Who the rows a commit writes are claimed for in its transaction: this relay while it runs, nobody when stopped. */
  get claimant(): string | undefined {
    return this.stopped ? undefined : this.owner;
  }

  /** Rows sent whose DELETE waits for the next flush. */
  get removing(): number {
    return this.sent.size;
  }

  /** Takes the rows a commit just wrote: those it holds join their aggregate's lane; for the others, a pass soon. */
  take(rows: HandedRow[]): void {
    let loose = false;
    for (const row of rows) {
      if (row.held && !this.stopped) {
        this.hold(row, (this.turn ??= this.nextTurn()));
        continue;
      }
      if (row.held) this.giveBack(row, undefined);
      const lane = this.lanes.get(row.aggregate);
      if (lane) lane.loose = true;
      loose = true;
    }
    if (loose) this.kick();
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

  /** Stops sending (rows held and not being sent are given back); what is still in the outbox stays there for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.pass;
    while (this.sending.size) await Promise.all(this.sending.values());
    this.flush();
    // Dropped if the store refused them (the service crashed): those rows are sent again after the restart.
    this.sent.clear();
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
      // Every row of the aggregate held here (none it could not claim): their lane says when they are sent, no query.
      const lane = this.lanes.get(aggregate);
      if (lane && !lane.loose) {
        const error = await lane.tail;
        if (error) throw error;
        if (this.lanes.has(aggregate)) continue;
        return;
      }
      const head = this.store.rowsOf(aggregate).find((row) => !this.sent.has(row.messageId));
      if (!head) return;
      let sending = this.sending.get(head.messageId);
      if (!sending) {
        if (head.claimed || !this.store.claim(head.seq, this.owner, LEASE_MS)) {
          // Someone else (another relay) holds it: wait for them to finish, as the caller waits for the call.
          if (Date.now() > deadline) throw new AppError('UPSTREAM_TIMEOUT', `${this.bus.service} could not make its call in time: it stays in its outbox and is retried`);
          await sleep(5);
          continue;
        }
        sending = this.hold(head, DONE);
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
      // Sent rows leave first: the rows after them in their aggregate become due.
      this.flush();
      const claimed = this.store.claimReady(BATCH, this.owner, LEASE_MS);
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((row) => this.hold(row, DONE)));
    }
  }

  /** Queues a row this relay claimed behind the others of its aggregate held here (or after `start`); resolves with its failure, if any. */
  private hold(row: Sendable, start: Promise<Error | undefined>): Promise<Error | undefined> {
    let lane = this.lanes.get(row.aggregate);
    if (!lane) {
      lane = { tail: start, rows: 0, loose: false };
      this.lanes.set(row.aggregate, lane);
    }
    const heldAt = Date.now();
    const done = lane.tail.then((failure) => (failure ? this.giveBack(row, failure) : this.send(row, heldAt)));
    lane.tail = done;
    lane.rows++;
    this.sending.set(row.messageId, done);
    const own = lane;
    void done.then(() => {
      this.sending.delete(row.messageId);
      if (--own.rows === 0 && this.lanes.get(row.aggregate) === own) this.lanes.delete(row.aggregate);
    });
    return done;
  }

  /** Sends one held row; resolves with the error when it failed (the row is then given back with a retry time). */
  private async send(row: Sendable, heldAt: number): Promise<Error | undefined> {
    if (this.stopped) return this.giveBack(row, new AppError('SHUTTING_DOWN', `${this.bus.service} stopped before sending ${row.event}`));
    try {
      // Held past half its lease (it waited behind slow sends): held longer, unless another sender took it meanwhile.
      if (Date.now() - heldAt > LEASE_MS / 2 && !this.store.renew(row.messageId, this.owner, LEASE_MS)) return new Error(`${row.event} ${row.messageId} was taken over by another sender`);
      await this.perform(row);
    } catch (error) {
      try {
        this.store.failed(row.messageId, Date.now() + backoff(row.attempts));
      } catch {
        // The store closed or the service crashed: the claim runs out, or the restart gives it back.
      }
      return error as Error;
    }
    this.sent.add(row.messageId);
    if (this.sent.size >= FLUSH_AT) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
    return undefined;
  }

  /** Gives back a held row unsent (an earlier row of its aggregate failed, or the relay stopped): a pass sends it in its turn. */
  private giveBack(row: Sendable, failure: Error | undefined): Error | undefined {
    try {
      this.store.release(row.messageId, this.owner);
    } catch {
      // The store closed or the service crashed: the claim runs out, or the restart gives it back.
    }
    return failure;
  }

  /** Removes the rows sent so far, in one DELETE; when the store refuses, they wait for the next flush. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.sent.size === 0) return;
    const ids = [...this.sent];
    try {
      this.store.sent(ids);
    } catch {
      return;
    }
    for (const id of ids) this.sent.delete(id);
  }

  private nextTurn(): Promise<undefined> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.turn = undefined;
        resolve(undefined);
      }),
    );
  }

  private async perform(row: Sendable): Promise<void> {
    this.beforeSend?.(row);
    const parent = parseTraceparent(row.headers[HEADERS.traceparent]);
    const context: TraceContext = {
      service: this.bus.service,
      traceId: parent?.traceId ?? newTraceId(),
      spanId: parent?.spanId ?? newSpanId(),
      correlationId: row.headers[HEADERS.correlationId],
    };
    if (row.kind === 'message') return this.bus.publish(context, row.event, row.payload, {}, row.messageId);
    const route = this.routes.get(row.event);
    if (route) {
      const { type, data } = route(row.payload);
      return this.bus.publish(context, type, data, {}, row.messageId);
    }
    const call = this.calls.get(row.event);
    if (call && this.http) {
      const { to, method, path, body } = call(row.payload);
      const answer = await this.http.call(context, to, method, path, body);
      // A 4xx will not change by asking again (the callee refused what was asked): the row is dropped, the hop shows the answer.
      if (answer.status >= 500 || answer.status === 408 || answer.status === 429) throw upstreamError(to, answer);
    }
    // Neither routed nor called (the link that wanted it is gone): nothing to send.
  }
}

/** A row as the relay sends it (its seq is not needed: rows are named by message id). */
type Sendable = Omit<OutboxRow, 'seq'>;

/** The rows of one aggregate held by a relay: the outcome of the last, how many are unfinished, and whether rows it could not claim wait behind them. */
interface Lane {
  tail: Promise<Error | undefined>;
  rows: number;
  loose: boolean;
}

const DONE: Promise<Error | undefined> = Promise.resolve(undefined);
