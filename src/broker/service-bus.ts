import { newId } from '../core/ids.js';
import { pauseUnless, sleepAtLeast } from '../core/duration.js';
import { AppError, isDependencyDown } from '../core/errors.js';
import { AlreadyProcessed } from '../storage/store.js';
import type { Recorder } from '../tracing/recorder.js';
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent, type TraceContext } from '../tracing/context.js';
import { HEADERS, type Delivery, type Message, type Subscription, type Transport } from './transport.js';

const DEPENDENCY_RETRY_BASE_MS = 50;
const DEPENDENCY_RETRY_MAX_MS = 2_000;

/** Event handler of a service: gets the payload, the delivery it came in, and the trace its work carries (with the delivery, for the inbox). */
export type EventHandler<T = any> = (data: T, delivery: Delivery<T>, trace: TraceContext) => Promise<void> | void;

/**
 * A service's view of the broker: builds envelopes, records every publish and consume
 * as a hop, and carries trace and correlation ids from what it handles to what it emits.
 */
export class ServiceBus {
  private subscriptions: Subscription[] = [];
  private readonly registrations: { types: string[]; handler: EventHandler; group: string }[] = [];
  private readonly handling = new Set<Promise<unknown>>();
  /** Added before each delivery is handled (a slow consumer, for walkthroughs). */
  latencyMs = 0;
  /** A declared capacity: each delivery's handling waits for a free worker of this instance (none: handled at once). */
  gate?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Hears that a handler finished its work, before the delivery is acked: where a fault may crash the service (`after-commit`). */
  afterHandled?: () => void;

  /** Why the broker cannot be reached now, while it cannot (what the service's health reports). */
  brokerDown: string | undefined;

  constructor(
    readonly service: string,
    private readonly transport: Transport,
    private readonly recorder: Recorder,
  ) {
    transport.watch?.((change) => (this.brokerDown = change.up ? undefined : (change.detail ?? 'the connection was lost')));
  }

  /** Publishes now as part of `trace`'s work; `id` keeps a message's identity when it is published again (outbox relay). */
  async publish<T>(trace: TraceContext | undefined, type: string, data: T, headers: Record<string, string> = {}, id: string = newId()): Promise<void> {
    const message = this.envelope(trace, type, data, headers, id);
    const hop = this.startPublish(trace, message);
    try {
      await this.transport.publish(message);
      hop.end();
    } catch (error) {
      hop.end({ outcome: 'error' });
      throw error;
    }
  }

  /** Publishes a command as part of `trace`'s work and waits for the reply event with the same correlation id. */
  async request<T>(trace: TraceContext | undefined, type: string, data: unknown, replyTypes: string[], timeoutMs: number): Promise<Message<T>> {
    // Nothing can answer a command while the broker is away: say so at once rather than after the timeout.
    if (this.brokerDown) throw new AppError('SERVICE_UNAVAILABLE', `the broker is unreachable (${this.brokerDown}): ${type} cannot be sent now; try again once it is back`);
    const message = this.envelope(trace, type, data, { [HEADERS.correlationId]: newId() }, newId());
    const hop = this.startPublish(trace, message);
    const pending = this.transport.request(message, { replyTypes, timeoutMs });
    hop.end();
    const reply = await pending;
    const parent = parseTraceparent(reply.headers[HEADERS.traceparent]);
    this.recorder
      .begin({ kind: 'consume', from: 'Broker', to: this.service, label: reply.type, traceId: parent?.traceId ?? newTraceId(), parentSpanId: parent?.spanId, messageId: reply.id, resumes: hop.spanId })
      .end();
    return reply as Message<T>;
  }

  /** The message types this service consumes: those it subscribed to and the replies it waits for. */
  consumed(): string[] {
    return [...this.registrations.flatMap((r) => r.types), ...this.replyTypes];
  }

  private readonly replyTypes = new Set<string>();

  /** Declares the reply types this service's requests wait for (they are consumed per request, not subscribed). */
  awaits(types: string[]): void {
    for (const type of types) this.replyTypes.add(type);
  }

  /** Consumes `types` through a durable queue of this service's own (`<service>.<types>` unless named). */
  async subscribe(types: string[], handler: EventHandler, group = `${this.service}.${types.join('.')}`): Promise<void> {
    this.registrations.push({ types, handler, group });
    if (!this.held) this.subscriptions.push(await this.consume(types, handler, group));
  }

  private held = false;

  /** Subscriptions made from now on only register their handlers, until `start`: nothing is handled before the service is wired. */
  hold(): void {
    this.held = true;
  }

  /** Consumes what was subscribed while held. */
  async start(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.resume();
  }

  /** Consumes again after `close()`: what waited in this service's durable queues is delivered now. */
  async resume(): Promise<void> {
    if (this.stopper.signal.aborted) this.stopper = new AbortController();
    this.subscriptions = await Promise.all(this.registrations.map(({ types, handler, group }) => this.consume(types, handler, group)));
  }

  private consume(types: string[], handler: EventHandler, group: string): Promise<Subscription> {
    return this.transport.subscribe(group, types, async (delivery) => {
      const parent = parseTraceparent(delivery.headers[HEADERS.traceparent]);
      const traceId = parent?.traceId ?? newTraceId();
      const hop = this.recorder.begin({ kind: 'consume', from: 'Broker', to: this.service, label: delivery.type, traceId, parentSpanId: parent?.spanId, messageId: delivery.id });
      // Added latency is part of the delivery as the consumer experiences it, so the hop's time shows it.
      if (this.latencyMs) await sleepAtLeast(this.latencyMs);
      // Each try is a delivery of its own to the inbox (recorded: false), as a redelivery would be.
      const context = (): TraceContext => ({
        service: this.service,
        traceId,
        spanId: hop.spanId,
        correlationId: delivery.headers[HEADERS.correlationId],
        delivery: { consumer: group, messageId: delivery.id, recorded: false },
      });
      const handle = () => this.whileDependenciesDown(async () => handler(delivery.data, delivery, context()));
      const work = this.gate ? this.gate(handle) : handle();
      this.handling.add(work);
      try {
        await work;
        hop.end();
      } catch (error) {
        if (error instanceof AlreadyProcessed) {
          hop.end({ outcome: 'duplicate' });
          return;
        }
        hop.end({ outcome: 'nack' });
        throw error;
      } finally {
        this.handling.delete(work);
      }
      this.afterHandled?.();
    });
  }

  /**
   * Runs a handler, and again after a pause for as long as it fails because something it depends on is
   * unreachable (a service, the database): an outage is not a poison message, so these tries count
   * toward no limit and nothing is parked for them. Once the bus stops, the last failure goes to the
   * broker, which delivers the message again later.
   */
  private async whileDependenciesDown(attempt: () => Promise<void>): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (!isDependencyDown(error) || this.stopper.signal.aborted) throw error;
        this.waiting++;
        try {
          await pauseUnless(Math.min(DEPENDENCY_RETRY_MAX_MS, DEPENDENCY_RETRY_BASE_MS * 2 ** Math.min(10, tries - 1)), this.stopper.signal);
        } finally {
          this.waiting--;
        }
        if (this.stopper.signal.aborted) throw error;
      }
    }
  }

  /** Aborted once the bus stops: pauses between tries end, and no try follows. */
  private stopper = new AbortController();
  /** Deliveries whose handler waits for a dependency to come back. */
  waiting = 0;

  /** Stops consuming at once, handlers at work or not (a crash): what they hold comes back with one more delivery counted. */
  async abort(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
  }

  /**
   * Lets the handlers at work finish first (and what still arrives meanwhile), then stops consuming,
   * all within `graceMs`: a message cancelled in its handler would come back with one more delivery counted.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.stopper.abort();
    const deadline = Date.now() + graceMs;
    const drained = async () => {
      while (this.handling.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...this.handling]), new Promise((r) => (timer = setTimeout(r, deadline - Date.now())))]);
        clearTimeout(timer);
      }
    };
    await drained();
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
    await drained();
  }

  private envelope(trace: TraceContext | undefined, type: string, data: unknown, headers: Record<string, string>, id: string): Message {
    const correlationId = headers[HEADERS.correlationId] ?? trace?.correlationId;
    return {
      id,
      type,
      source: this.service,
      time: new Date().toISOString(),
      data,
      headers: { ...headers, ...(correlationId ? { [HEADERS.correlationId]: correlationId } : {}) },
    };
  }

  private startPublish(trace: TraceContext | undefined, message: Message) {
    const traceId = trace?.traceId ?? newTraceId();
    const spanId = newSpanId();
    message.headers[HEADERS.traceparent] = formatTraceparent(traceId, spanId);
    return this.recorder.begin({ kind: 'publish', from: this.service, to: 'Broker', label: message.type, traceId, parentSpanId: trace?.spanId, spanId, messageId: message.id });
  }
}
