import { AppError } from '../core/errors.js';
import { ReplyWaiters } from './reply-waiters.js';
import {
  backoffDelay,
  defaultRetryPolicy,
  type Handler,
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
}

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
  parked: Message[];
  next: number;
}

/** In-process broker with a real broker's contract: durable group queues, acks, redelivery, parking. */
export class MemoryTransport implements Transport {
  readonly kind = 'memory';
  private readonly queues = new Map<string, Queue>();
  private readonly replies = new ReplyWaiters();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private tag = 0;
  private closed = false;

  constructor(private readonly policy: RetryPolicy = defaultRetryPolicy) {}

  async publish(message: Message): Promise<void> {
    this.assertOpen();
    for (const queue of this.queues.values()) {
      if (!queue.bindings.has(message.type)) continue;
      queue.ready.push({ message: structuredClone(message), attempt: 1 });
      this.schedule(queue);
    }
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
          if (item.attempt >= this.policy.maxDeliveries) queue.parked.push(item.message);
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

  async parked(group: string): Promise<Message[]> {
    return structuredClone(this.queues.get(group)?.parked ?? []);
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
  }

  private declare(group: string): Queue {
    let queue = this.queues.get(group);
    if (!queue) {
      queue = { bindings: new Set(), ready: [], consumers: [], parked: [], next: 0 };
      this.queues.set(group, queue);
    }
    return queue;
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
    const settle = (ok: boolean) => {
      if (!consumer.inFlight.delete(tag) || this.closed) return;
      if (!ok) this.retry(queue, item);
      this.dispatch(queue);
    };
    Promise.resolve()
      .then(() => consumer.handler({ ...structuredClone(item.message), attempt: item.attempt }))
      .then(() => settle(true), () => settle(false));
  }

  private retry(queue: Queue, item: Queued): void {
    if (item.attempt >= this.policy.maxDeliveries) {
      queue.parked.push(item.message);
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.closed) return;
      queue.ready.push({ message: item.message, attempt: item.attempt + 1 });
      this.dispatch(queue);
    }, backoffDelay(this.policy, item.attempt));
    this.retryTimers.add(timer);
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('TRANSPORT_CLOSED', 'the broker is closed');
  }
}
