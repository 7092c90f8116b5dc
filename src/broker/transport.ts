/** A message as every transport carries it: a CloudEvents-style envelope plus string headers. */
export interface Message<T = unknown> {
  /** Unique per message; consumers use it to recognise a redelivery. */
  id: string;
  /** Event or command type; also the routing key (`UserCreated`, `CreatePayment`). */
  type: string;
  /** Service that emitted it. */
  source: string;
  /** ISO-8601 time of emission. */
  time: string;
  data: T;
  /** `traceparent`, `correlationid`, ... */
  headers: Record<string, string>;
}

/** A message handed to a consumer. The handler resolving acks it; throwing nacks it (redelivery). */
export interface Delivery<T = unknown> extends Message<T> {
  /** 1 on the first delivery, then 2, 3, ... on redeliveries. */
  attempt: number;
}

/** Consumer callback: resolve to ack, throw to nack. */
export type Handler = (delivery: Delivery) => Promise<void>;

/** Tuning of one consumer. */
export interface SubscribeOptions {
  /** Deliveries handed to this consumer before it has acked earlier ones (0: no limit). */
  prefetch?: number;
}

/** A live consumer. Closing it hands its unacked messages back to the queue. */
export interface Subscription {
  close(): Promise<void>;
}

/** How a request waits for its reply event. */
export interface RequestOptions {
  /** Types that count as the reply (`UserCreated`, `RegistrationFailed`). */
  replyTypes: string[];
  timeoutMs: number;
}

/**
 * The broker port. Every transport implements exactly this and passes the contract suite.
 * Semantics are a real broker's: at-least-once, one durable queue per consumer group,
 * competing consumers inside a group, a copy per group, bounded redelivery, then parking.
 */
export interface Transport {
  /** `memory` or `amqp`. */
  readonly kind: string;
  /** Puts a message on the broker; resolves once the broker holds it. */
  publish(message: Message): Promise<void>;
  /** Declares (or joins) the durable queue of `group`, binds it to `types`, and consumes it. */
  subscribe(group: string, types: string[], handler: Handler, options?: SubscribeOptions): Promise<Subscription>;
  /** Publishes `message` and resolves with the first `replyTypes` message that carries its correlation id. */
  request(message: Message, options: RequestOptions): Promise<Message>;
  /** Messages that exhausted their deliveries in `group`, oldest first, with how often and why they failed. */
  parked(group: string): Promise<ParkedMessage[]>;
  /** Puts the parked messages of `group` (all, or those with the given ids) back on its queue, counted from their first delivery again; resolves with how many. */
  replay(group: string, ids?: string[]): Promise<number>;
  /** The consumer groups declared through this transport, in the order they were declared. */
  groups(): string[];
  /** Messages queued, being handled or waiting for a retry, over all groups. */
  pending(): Promise<number>;
  /** Hears when the connection to a broker over the network is lost and when it is back (the in-process broker never loses it). */
  watch?(listener: (change: BrokerChange) => void): void;
  /** Drops the connection to a broker over the network as a cut would, and refuses to reconnect until `mend()` (the broker-cut fault). */
  sever?(): void;
  /** Lets a severed transport reconnect. */
  mend?(): void;
  close(): Promise<void>;
}

/** The connection to the broker went away (with why) or came back. */
export interface BrokerChange {
  up: boolean;
  detail?: string;
}

/** A message a consumer group gave up on: how many deliveries it had, why the last one failed, and when it was parked. */
export interface ParkedMessage extends Message {
  attempts: number;
  reason: string;
  parkedAt: string;
}

/** Why a delivery failed, in one line fit for a log or a listing. */
export const failureReason = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 500);

/** Header names shared by every transport. */
export const HEADERS = { traceparent: 'traceparent', correlationId: 'correlationid' } as const;

/** Redelivery policy shared by the transports. */
export interface RetryPolicy {
  /** Deliveries before a message is parked. */
  maxDeliveries: number;
  /** Delay before the n-th redelivery: base * 2^(n-1), capped at maxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxDeliveries: 5, backoffBaseMs: 20, backoffMaxMs: 1000 };

export const backoffDelay = (policy: RetryPolicy, attempt: number): number =>
  Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
