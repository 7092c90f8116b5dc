import { AppError } from '../core/errors.js';
import { MemoryJournal } from './memory-journal.js';
import { ReplyWaiters } from './reply-waiters.js';
import {
  backoffDelay,
  defaultRetryPolicy,
  failureReason,
  type Handler,
  type ParkedMessage,
  type Message,
  type RequestOptions,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
  type Transport,
} from './transport.js';

interface Queued {
  message: Message;
  attempt: number;
  /** Its row in the journal, when the broker keeps one. */
  seq?: number;
}

type Parked = ParkedMessage & { seq?: number };

interface Consumer {
  handler: Handler;
  prefetch: number;
  inFlight: Map<number, Queued>;
  closed: boolean;
}

interface Queue {
  bindings: Set<string>;
  ready: Queued[];
  consumers: Consumer[];
  parked: Parked[];
  next: number;
}

const GONE = 'its consumer went away while handling it';

/** Options of the in-process broker. */
export interface MemoryTransportOptions {
  policy?: RetryPolicy;
  /** Keep the queues in this SQLite file, so messages outlive the process (a data dir's `broker.sqlite`); in memory only when absent. */
  journal?: string;
}

/**
 * In-process broker with a real broker's contract: group queues, acks, redelivery, parking. With a
 * journal its queues are durable: what was queued, waiting for a retry or in flight when the process
 * died is delivered after a restart on the same file.
 */
export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  private readonly queues = new Map<string, Queue>();
  private readonly replies = new ReplyWaiters();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly policy: RetryPolicy;
  private readonly journal?: MemoryJournal;
  private tag = 0;
  private closed = false;

  constructor(options: MemoryTransportOptions | RetryPolicy = {}) {
    const { policy, journal } = 'maxDeliveries' in options ? { policy: options, journal: undefined } : options;
    this.policy = policy ?? defaultRetryPolicy;
    if (journal) this.journal = new MemoryJournal(journal);
  }

  async publish(message: Message): Promise<void> {
    this.assertOpen();
    const bound = [...this.queues.entries()].filter(([, queue]) => queue.bindings.has(message.type));
    const seqs = this.journal?.add(bound.map(([group]) => group), message);
    bound.forEach(([, queue], i) => {
      queue.ready.push({ message: structuredClone(message), attempt: 1, seq: seqs?.[i] });
      this.schedule(queue);
    });
    this.replies.answer(message);
  }

  async subscribe(group: string, types: string[], handler: Handler, options: SubscribeOptions = { prefetch: 32 }): Promise<Subscription> {
    this.assertOpen();
    const queue = this.declare(group);
    for (const type of types) queue.bindings.add(type);
    // As in AMQP, a prefetch of 0 means no limit.
    const consumer: Consumer = { handler, prefetch: options.prefetch || Infinity, inFlight: new Map(), closed: false };
    queue.consumers.push(consumer);
    this.schedule(queue);
    return {
      close: async () => {
        if (consumer.closed) return;
        consumer.closed = true;
        queue.consumers = queue.consumers.filter((c) => c !== consumer);
        const unacked = [...consumer.inFlight.values()];
        consumer.inFlight.clear();
        // An unacked delivery counts as a failed one: back to the head of the queue, or parked when exhausted.
        for (const item of unacked.reverse()) {
          if (item.attempt >= this.policy.maxDeliveries) this.park(queue, item, GONE);
          else queue.ready.unshift({ ...item, attempt: item.attempt + 1 });
        }
        this.schedule(queue);
      },
    };
  }

  async request(message: Message, options: RequestOptions): Promise<Message> {
    this.assertOpen();
    return this.replies.wait(message, options, () => this.publish(message));
  }

  async parked(group: string): Promise<ParkedMessage[]> {
    return structuredClone((this.queues.get(group)?.parked ?? []).map(({ seq: _seq, ...parked }) => parked));
  }

  async replay(group: string, ids?: string[]): Promise<number> {
    this.assertOpen();
    const queue = this.queues.get(group);
    if (!queue) return 0;
    const chosen = queue.parked.filter((p) => !ids || ids.includes(p.id));
    queue.parked = queue.parked.filter((p) => !chosen.includes(p));
    for (const { attempts: _a, reason: _r, parkedAt: _t, seq, ...message } of chosen) {
      if (seq !== undefined) this.journal?.unpark(seq);
      queue.ready.push({ message, attempt: 1, seq });
    }
    this.schedule(queue);
    return chosen.length;
  }

  groups(): string[] {
    return [...this.queues.keys()];
  }

  async pending(): Promise<number> {
    let count = this.retryTimers.size;
    for (const queue of this.queues.values()) {
      count += queue.ready.length;
      for (const consumer of queue.consumers) count += consumer.inFlight.size;
    }
    return count;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.replies.closeAll();
    for (const queue of this.queues.values()) for (const consumer of queue.consumers) consumer.closed = true;
    this.journal?.close();
  }

  private declare(group: string): Queue {
    let queue = this.queues.get(group);
    if (!queue) {
      queue = { bindings: new Set(), ready: [], consumers: [], parked: [], next: 0 };
      this.queues.set(group, queue);
      for (const row of this.journal?.load(group) ?? []) {
        const item: Queued = { message: row.message, attempt: row.started + 1, seq: row.seq };
        if (row.parked) queue.parked.push({ ...row.message, attempts: row.started, reason: row.reason ?? '', parkedAt: row.parkedAt ?? '', seq: row.seq });
        // Deliveries started before the process stopped count: a message that kills the process every time is parked at last.
        else if (row.started >= this.policy.maxDeliveries) this.park(queue, { ...item, attempt: row.started }, `the process stopped while handling it (${row.started} deliveries)`);
        else queue.ready.push(item);
      }
    }
    return queue;
  }

  private park(queue: Queue, item: Queued, reason: string): void {
    const parkedAt = new Date().toISOString();
    queue.parked.push({ ...item.message, attempts: item.attempt, reason, parkedAt, seq: item.seq });
    if (item.seq !== undefined) this.journal?.park(item.seq, item.attempt, reason, parkedAt);
  }

  private schedule(queue: Queue): void {
    setImmediate(() => this.dispatch(queue));
  }

  private dispatch(queue: Queue): void {
    while (!this.closed && queue.ready.length > 0) {
      const consumer = this.pickConsumer(queue);
      if (!consumer) return;
      this.deliver(queue, consumer, queue.ready.shift()!);
    }
  }

  private pickConsumer(queue: Queue): Consumer | undefined {
    const n = queue.consumers.length;
    for (let i = 0; i < n; i++) {
      const consumer = queue.consumers[(queue.next + i) % n];
      if (consumer.inFlight.size < consumer.prefetch) {
        queue.next = (queue.next + i + 1) % n;
        return consumer;
      }
    }
    return undefined;
  }

  private deliver(queue: Queue, consumer: Consumer, item: Queued): void {
    const tag = ++this.tag;
    consumer.inFlight.set(tag, item);
    if (item.seq !== undefined) this.journal?.started(item.seq, item.attempt);
    const settle = (error?: unknown) => {
      if (!consumer.inFlight.delete(tag) || this.closed) return;
      if (error === undefined) {
        if (item.seq !== undefined) this.journal?.acked(item.seq);
      } else this.retry(queue, item, failureReason(error ?? 'the handler failed'));
      this.dispatch(queue);
    };
    Promise.resolve()
      .then(() => consumer.handler({ ...structuredClone(item.message), attempt: item.attempt }))
      .then(() => settle(), (error: unknown) => settle(error ?? new Error('the handler failed')));
  }

  private retry(queue: Queue, item: Queued, reason: string): void {
    if (item.attempt >= this.policy.maxDeliveries) {
      this.park(queue, item, reason);
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.closed) return;
      queue.ready.push({ ...item, attempt: item.attempt + 1 });
      this.dispatch(queue);
    }, backoffDelay(this.policy, item.attempt));
    this.retryTimers.add(timer);
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('TRANSPORT_CLOSED', 'the broker is closed');
  }
}
