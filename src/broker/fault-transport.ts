import { sleep } from '../core/duration.js';
import { AppError } from '../core/errors.js';
import { ALL_MESSAGES, Share, type BrokerFault } from '../faults/fault.js';
import type { BrokerChange, Handler, Message, RequestOptions, SubscribeOptions, Subscription, Transport } from './transport.js';

/** How long a publish waits for a cut broker before it is refused: as long as the RabbitMQ transport waits for its connection. */
const HOLD_MS = 10_000;

/** A promise and its resolver. */
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/**
 * A transport with the broker faults a scenario may put on: a cut (on RabbitMQ the real connection is
 * dropped and every reconnection refused until it ends; in process publishes wait, deliveries are held,
 * and handlers at work lose their ack), latency on every delivery, one type's deliveries late, a share
 * of one type refused at publish (the broker never took it; its sender is told and sends it again) or
 * put on the broker twice. Without faults it hands every call straight on.
 */
export class FaultTransport implements Transport {
  readonly kind: string;
  private cut?: ReturnType<typeof deferred>;
  /** Raised by every cut: a handler that began before it loses its ack. */
  private epoch = 0;
  private latencyMs = 0;
  private readonly late = new Map<string, number>();
  private readonly drops = new Map<string, Share>();
  private readonly copies = new Map<string, Share>();
  private readonly watchers = new Set<(change: BrokerChange) => void>();
  private held = 0;
  private closed = false;

  constructor(
    readonly inner: Transport,
    private readonly holdMs = HOLD_MS,
  ) {
    this.kind = inner.kind;
  }

  /** Puts a broker fault on, or takes it off with its zero. */
  apply(fault: BrokerFault): void {
    switch (fault.kind) {
      case 'broker-cut':
        return this.setCut(fault.on);
      case 'broker-latency':
        this.latencyMs = fault.ms;
        return;
      case 'late':
        return void (fault.ms > 0 ? this.late.set(fault.message, fault.ms) : this.late.delete(fault.message));
      case 'drop':
        return void (fault.share > 0 ? this.drops.set(fault.message, new Share(fault.share)) : this.drops.delete(fault.message));
      case 'duplicate':
        return void (fault.share > 0 ? this.copies.set(fault.message, new Share(fault.share)) : this.copies.delete(fault.message));
    }
  }

  /** Takes every broker fault off. */
  heal(): void {
    this.setCut(false);
    this.latencyMs = 0;
    this.late.clear();
    this.drops.clear();
    this.copies.clear();
  }

  async publish(message: Message): Promise<void> {
    await this.through(message.type);
    await this.inner.publish(message);
    if (this.copies.size && this.pick(this.copies, message.type)) await this.inner.publish(message);
  }

  async subscribe(group: string, types: string[], handler: Handler, options?: SubscribeOptions): Promise<Subscription> {
    let gone = false;
    const subscription = await this.inner.subscribe(
      group,
      types,
      async (delivery) => {
        if (this.cut) await this.cut.promise;
        const ms = this.delayOf(delivery.type);
        if (ms) await sleep(ms);
        if (gone || this.closed) throw new AppError('TRANSPORT_CLOSED', 'its consumer went away before handling it');
        const epoch = this.epoch;
        await handler(delivery);
        if (epoch !== this.epoch) throw new AppError('TRANSPORT_CLOSED', 'the connection to the broker was lost before the ack: the broker delivers it again');
      },
      options,
    );
    return {
      close: () => {
        gone = true;
        return subscription.close();
      },
    };
  }

  async request(message: Message, options: RequestOptions): Promise<Message> {
    await this.through(message.type);
    const reply = this.inner.request(message, options);
    if (this.copies.size && this.pick(this.copies, message.type)) setImmediate(() => void this.inner.publish(message).catch(() => {}));
    const answer = await reply;
    const ms = this.delayOf(answer.type);
    if (ms) await sleep(ms);
    return answer;
  }

  parked: Transport['parked'] = (group) => this.inner.parked(group);
  replay: Transport['replay'] = (group, ids) => this.inner.replay(group, ids);
  groups = () => this.inner.groups();

  async pending(): Promise<number> {
    return (await this.inner.pending()) + this.held;
  }

  watch(listener: (change: BrokerChange) => void): void {
    this.watchers.add(listener);
    this.inner.watch?.(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.setCut(false);
    await this.inner.close();
  }

  private setCut(on: boolean): void {
    if (this.inner.sever && this.inner.mend) {
      if (on) this.inner.sever();
      else this.inner.mend();
      return;
    }
    if (on === !!this.cut) return;
    if (on) {
      this.cut = deferred();
      this.epoch++;
    } else {
      this.cut!.resolve();
      this.cut = undefined;
    }
    for (const listener of this.watchers) listener(on ? { up: false, detail: 'the broker was cut (a fault the scenario injected)' } : { up: true });
  }

  /** What a message must pass before the broker takes it: a cut (waited out, at most as long as RabbitMQ's transport waits), then a drop. */
  private async through(type: string): Promise<void> {
    if (this.cut) {
      this.held++;
      try {
        let timer: NodeJS.Timeout | undefined;
        const back = await Promise.race([this.cut.promise.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.holdMs)))]);
        clearTimeout(timer);
        if (!back) throw new AppError('TRANSPORT_CLOSED', `lost the connection to the broker; it did not come back within ${this.holdMs} ms`);
      } finally {
        this.held--;
      }
    }
    if (this.closed) throw new AppError('TRANSPORT_CLOSED', 'the broker is closed');
    if (this.drops.size && this.pick(this.drops, type)) throw new AppError('TRANSPORT_CLOSED', `the broker did not take ${type} (a fault the scenario injected drops a share of them)`);
  }

  private pick(shares: Map<string, Share>, type: string): boolean {
    return (shares.get(type) ?? shares.get(ALL_MESSAGES))?.take() ?? false;
  }

  private delayOf(type: string): number {
    return this.latencyMs + (this.late.size ? (this.late.get(type) ?? this.late.get(ALL_MESSAGES) ?? 0) : 0);
  }
}
