import { randomBytes } from 'node:crypto';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Message as RawMessage, MessagePropertyHeaders, Options, RecoveringChannelModel } from 'amqplib';
import { AppError } from '../core/errors.js';
import { maskUrl } from './broker-url.js';
import { ReplyWaiters } from './reply-waiters.js';
import {
  backoffDelay,
  type BrokerChange,
  defaultRetryPolicy,
  failureReason,
  type Handler,
  type Message,
  type RequestOptions,
  type ParkedMessage,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
  type Transport,
} from './transport.js';

/** Tuning of {@link AmqpTransport.connect}. */
export interface AmqpTransportOptions {
  /**
   * Every exchange and queue is named `orderctl.<namespace>.…`; random (8 hex chars) unless given. A random
   * namespace is throwaway: deleted on close, and its queues expire on their own after `expiresMs` unused
   * (a process killed before it could delete them). A given one is kept, messages and all, for the next run.
   */
  namespace?: string;
  /**
   * A given namespace that is still throwaway, shared by the processes of one system (`--processes`):
   * its queues expire when unused like a random one's, and no process deletes it on close; the harness
   * that made it does, with `discard`.
   */
  shared?: boolean;
  /** How long a throwaway namespace's queues live unused (no consumer) before the broker deletes them; 15 minutes by default. */
  expiresMs?: number;
  policy?: RetryPolicy;
  /** How long the first connection may take before `connect` gives up. */
  connectTimeoutMs?: number;
  /** How long an operation waits for a lost connection to come back before it rejects. */
  reconnectWaitMs?: number;
}

/** The channels of one live connection, and the reply queue declared on it. */
interface Link {
  model: ChannelModel;
  publisher: ConfirmChannel;
  admin: Channel;
  replyQueue?: Promise<string>;
  replyBindings: Map<string, Promise<unknown>>;
}

interface Consumer {
  group: string;
  handler: Handler;
  prefetch: number;
  channel?: Channel;
  inFlight: Set<ConsumeMessage>;
  /** Copies being published whose original is acked once the broker confirms the copy: a close waits for them. */
  settling: Set<Promise<void>>;
  closed: boolean;
}

const TIER_HEADER = 'orderctl-retry-tier';
const FAILURE_HEADER = 'orderctl-failure';
const PARKED_AT_HEADER = 'orderctl-parked-at';
const ATTEMPT_HEADER = 'x-attempt';
const CONTENT_TYPE = 'application/json';
const ignore = () => {};
const GONE = 'its consumer went away while handling it';

/** Headers the transport adds to the publisher's own. */
const isTransportHeader = (name: string): boolean =>
  name.startsWith('x-') || name.startsWith('ce-') || name === 'datacontenttype' || name === TIER_HEADER || name === FAILURE_HEADER || name === PARKED_AT_HEADER;

function envelope(message: Message): Options.Publish {
  return {
    messageId: message.id,
    type: message.type,
    appId: message.source,
    timestamp: Math.floor((Date.parse(message.time) || Date.now()) / 1000),
    contentType: CONTENT_TYPE,
    persistent: true,
    headers: {
      ...message.headers,
      'ce-specversion': '1.0',
      'ce-id': message.id,
      'ce-source': message.source,
      'ce-type': message.type,
      'ce-time': message.time,
      datacontenttype: CONTENT_TYPE,
    },
  };
}

/** The JSON body, or its text when it is not JSON (a message some other client put on the broker). */
function body(raw: RawMessage): unknown {
  const text = raw.content.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function decode(raw: RawMessage): Message {
  const headers: MessagePropertyHeaders = raw.properties.headers ?? {};
  return {
    id: raw.properties.messageId,
    type: raw.properties.type,
    source: raw.properties.appId,
    time: headers['ce-time'],
    data: body(raw),
    headers: Object.fromEntries(Object.entries(headers).filter(([name, value]) => typeof value === 'string' && !isTransportHeader(name))),
  };
}

/** Counts a requeue by the broker (a consumer went away holding it) as one more delivery. */
const attemptOf = (raw: ConsumeMessage): number =>
  (Number(raw.properties.headers?.[ATTEMPT_HEADER]) || 1) + (raw.fields.redelivered ? 1 : 0);

/** The message's properties for its next stage, without the dead-lettering history. */
function nextStage(raw: RawMessage, attempt: number, extraHeaders: Record<string, string> = {}): Options.Publish {
  const headers = Object.entries(raw.properties.headers ?? {}).filter(([name]) => !name.startsWith('x-') && name !== FAILURE_HEADER && name !== PARKED_AT_HEADER);
  return { ...raw.properties, headers: { ...Object.fromEntries(headers), [ATTEMPT_HEADER]: attempt + 1, ...extraHeaders } };
}

/** Why a connection failed, told so that the user knows what to change: the broker, the login or the virtual host. */
function unreachable(url: string, reason: string): AppError {
  const at = `RabbitMQ at ${maskUrl(url)}`;
  if (/ACCESS[-_]REFUSED|\b403\b/.test(reason)) return new AppError('TRANSPORT_CLOSED', `${at} refused the login (ACCESS_REFUSED): check the user and password in the --broker URL`);
  if (/ConnectionClose|NOT[-_]ALLOWED|vhost/i.test(reason)) {
    const vhost = decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
    return new AppError('TRANSPORT_CLOSED', `${at} closed the connection while opening virtual host "${vhost}": check that it exists and that the user may use it (rabbitmqctl list_vhosts)`);
  }
  return new AppError('TRANSPORT_CLOSED', `cannot reach ${at} (${reason}): start it with "rabbitmq-server -detached" or pass another --broker URL`);
}

const reasonOf = (error: unknown): string => {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ?? message.split('\n')[0];
};

/**
 * The broker port on RabbitMQ. Topology, all named `orderctl.<namespace>.…`: a topic exchange
 * `events` routing by type to one durable queue per consumer group; failed deliveries wait in
 * a TTL queue per retry tier (`retry.<n>`, fed by the headers exchange `retry`) that
 * dead-letters them straight back into their group's queue; exhausted ones go to `parked.<group>`.
 */
export class AmqpTransport implements Transport {
  readonly kind = 'amqp';
  private connection!: RecoveringChannelModel;
  private link?: Link;
  private readonly linkWaiters = new Set<{ resolve: (link: Link) => void; reject: (error: Error) => void }>();
  private readonly declared = new Map<string, Set<string>>();
  private readonly consumers = new Set<Consumer>();
  private readonly replyTypes = new Set<string>();
  private readonly replies = new ReplyWaiters();
  private parkedReads: Promise<unknown> = Promise.resolve();
  private unconfirmed = 0;
  private closing?: Promise<void>;
  private lost = false;
  private severed = false;
  private lease?: NodeJS.Timeout;
  private deleteOnClose = false;
  private readonly watchers = new Set<(change: BrokerChange) => void>();

  private constructor(
    private readonly url: string,
    readonly namespace: string,
    private readonly ephemeral: boolean,
    private readonly policy: RetryPolicy,
    private readonly reconnectWaitMs: number,
    private readonly expiresMs: number,
  ) {}

  /** Connects (failing within `connectTimeoutMs` when RabbitMQ is unreachable) and declares the topology. */
  static async connect(url: string, options: AmqpTransportOptions = {}): Promise<AmqpTransport> {
    const amqp = await import('amqplib');
    const namespace = options.namespace ?? randomBytes(4).toString('hex');
    const transport = new AmqpTransport(url, namespace, options.namespace === undefined || !!options.shared, options.policy ?? defaultRetryPolicy, options.reconnectWaitMs ?? 10_000, options.expiresMs ?? 15 * 60_000);
    const timeoutMs = options.connectTimeoutMs ?? 3_000;
    const connection = await amqp.connect(url, {
      noDelay: true,
      timeout: timeoutMs,
      clientProperties: { connection_name: `orderctl.${namespace}` },
      recovery: { initialDelay: 100, maxDelay: 5_000, initialMaxRetries: 0, waitForConnect: false, setup: (model: ChannelModel) => transport.setup(model) },
    });
    transport.connection = connection;
    transport.deleteOnClose = options.namespace === undefined;
    // A throwaway namespace's queues expire only once nobody renews them: while this process lives it
    // re-declares them (which resets their expiry) well within the lease, consumers or not.
    if (transport.ephemeral) transport.lease = setInterval(() => void transport.renew(), Math.max(250, transport.expiresMs / 3)).unref();
    connection.on('error', ignore);
    connection.on('disconnect', (error?: Error) => {
      transport.link = undefined;
      if (transport.closing || transport.lost) return;
      transport.lost = true;
      transport.tell({ up: false, detail: error ? reasonOf(error) : 'connection closed' });
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void connection.close();
    }, timeoutMs);
    try {
      await connection.waitForConnect();
    } catch (error) {
      throw unreachable(url, timedOut ? `no answer within ${timeoutMs} ms` : reasonOf(error));
    } finally {
      clearTimeout(timer);
    }
    return transport;
  }

  async publish(message: Message): Promise<void> {
    await this.send(this.name('events'), message.type, Buffer.from(JSON.stringify(message.data)), envelope(message));
  }

  async subscribe(group: string, types: string[], handler: Handler, options: SubscribeOptions = {}): Promise<Subscription> {
    const consumer: Consumer = { group, handler, prefetch: options.prefetch ?? 32, inFlight: new Set(), settling: new Set(), closed: false };
    await this.withLink(async (link) => {
      await this.declareGroup(link.admin, group, types);
      await this.startConsumer(consumer, link.model);
    });
    this.consumers.add(consumer);
    return { close: () => this.unsubscribe(consumer) };
  }

  async request(message: Message, options: RequestOptions): Promise<Message> {
    this.assertOpen();
    for (const type of options.replyTypes) this.replyTypes.add(type);
    return this.replies.wait(message, options, () => this.withLink((link) => this.listenForReplies(link)).then(() => this.publish(message)));
  }

  async parked(group: string): Promise<ParkedMessage[]> {
    return this.visitParked(group, async (raws) =>
      raws.map((raw) => {
        const headers = raw.properties.headers ?? {};
        return { ...decode(raw), attempts: Number(headers[ATTEMPT_HEADER]) || 0, reason: String(headers[FAILURE_HEADER] ?? ''), parkedAt: String(headers[PARKED_AT_HEADER] ?? '') };
      }),
    );
  }

  async replay(group: string, ids?: string[]): Promise<number> {
    return this.visitParked(group, async (raws, channel) => {
      const chosen = raws.filter((raw) => !ids || ids.includes(raw.properties.messageId));
      for (const raw of chosen) {
        await this.send('', this.name(group), raw.content, nextStage(raw, 0));
        channel.ack(raw);
      }
      return chosen.length;
    });
  }

  groups(): string[] {
    return [...this.declared.keys()];
  }

  /**
   * Takes every message of a parking queue without acking it, lets `visit` ack those it moves on, and
   * closes the channel, which hands the others back. One visit at a time, so none misses a message.
   */
  private visitParked<T>(group: string, visit: (raws: RawMessage[], channel: Channel) => Promise<T>): Promise<T> {
    const read = this.parkedReads.then(() =>
      this.withLink(async (link) => {
        const channel = await link.model.createChannel();
        channel.on('error', ignore);
        const raws: RawMessage[] = [];
        try {
          for (let raw = await channel.get(this.name(`parked.${group}`)); raw; raw = await channel.get(this.name(`parked.${group}`))) raws.push(raw);
          return await visit(raws, channel);
        } catch (error) {
          if ((error as { code?: number }).code === 404) return visit([], channel);
          throw error;
        } finally {
          await channel.close().catch(ignore);
        }
      }),
    );
    this.parkedReads = read.catch(ignore);
    return read;
  }

  async pending(): Promise<number> {
    let inFlight = 0;
    for (const consumer of this.consumers) inFlight += consumer.inFlight.size;
    // Without a connection the queues cannot be counted: say something may wait, at once, rather than wait for it to come back.
    if (!this.link) return inFlight + this.unconfirmed + 1;
    const ready = await this.withLink(async (link) => {
      let count = 0;
      for (const queue of this.readyQueues()) count += (await link.admin.checkQueue(queue)).messageCount;
      return count;
    });
    return ready + inFlight + this.unconfirmed;
  }

  /** Deletes the namespace's exchanges and the queues of `groups` (what the processes of a shared namespace declared), then closes. */
  discard(groups: string[]): Promise<void> {
    for (const group of groups) if (!this.declared.has(group)) this.declared.set(group, new Set());
    this.deleteOnClose = true;
    return this.close();
  }

  /** Deletes every queue and exchange this instance declared when its namespace is throwaway, then closes the connection. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async renew(): Promise<void> {
    const link = this.link;
    if (!link || this.closing) return;
    try {
      await this.declareTopology(link.admin);
      for (const [group, types] of this.declared) await this.declareGroup(link.admin, group, [...types]);
    } catch {
      // The connection is going away: the next (re)connection declares everything again.
    }
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.lease);
    const link = this.link;
    this.link = undefined;
    for (const waiter of this.linkWaiters) waiter.reject(new AppError('TRANSPORT_CLOSED', 'the broker was closed'));
    this.linkWaiters.clear();
    this.replies.closeAll();
    for (const consumer of this.consumers) {
      consumer.closed = true;
      consumer.inFlight.clear();
    }
    this.consumers.clear();
    try {
      if (link && this.deleteOnClose) await this.deleteTopology(link.model);
    } finally {
      await this.connection.close();
    }
  }

  /**
   * Drops the connection as a network cut would (its socket destroyed: RabbitMQ hands back what was
   * unacked) and refuses every reconnection until `mend()`: publishes wait for the connection as they
   * do for a lost one, and the reconnection that follows is the ordinary one, with its backoff.
   */
  sever(): void {
    this.severed = true;
    const model = this.link?.model as { connection?: { stream?: { destroy(error: Error): void } } } | undefined;
    // amqplib notices a socket gone by its error (or end), as after a reset by the network.
    if (model?.connection?.stream) model.connection.stream.destroy(Object.assign(new Error('the connection was cut (a fault the scenario injected)'), { code: 'ECONNRESET' }));
    else void this.link?.model.close().catch(ignore);
  }

  mend(): void {
    this.severed = false;
  }

  /** Runs after every (re)connection, before anything else uses it. */
  private async setup(model: ChannelModel): Promise<void> {
    // The recovery wrapper only listens for errors once setup is done.
    model.on('error', ignore);
    if (this.severed) throw new AppError('TRANSPORT_CLOSED', 'the connection to RabbitMQ is cut (a fault the scenario injected)');
    const link: Link = { model, publisher: await model.createConfirmChannel(), admin: await model.createChannel(), replyBindings: new Map() };
    for (const channel of [link.publisher, link.admin]) {
      channel.on('error', ignore);
      // A channel the broker closed on a live connection: reconnect, which rebuilds everything.
      channel.on('close', () =>
        setImmediate(() => {
          if (this.link === link) model.close().catch(ignore);
        }),
      );
    }
    await this.declareTopology(link.admin);
    for (const [group, types] of this.declared) await this.declareGroup(link.admin, group, [...types]);
    if (this.replyTypes.size > 0) await this.listenForReplies(link);
    for (const consumer of this.consumers) await this.startConsumer(consumer, model);
    this.link = link;
    for (const waiter of this.linkWaiters) waiter.resolve(link);
    this.linkWaiters.clear();
    if (this.lost) {
      this.lost = false;
      this.tell({ up: true });
    }
  }

  watch(listener: (change: BrokerChange) => void): void {
    this.watchers.add(listener);
  }

  private tell(change: BrokerChange): void {
    for (const listener of this.watchers) listener(change);
  }

  private name(suffix: string): string {
    return `orderctl.${this.namespace}.${suffix}`;
  }

  private tiers(): number[] {
    return Array.from({ length: this.policy.maxDeliveries - 1 }, (_, i) => i + 1);
  }

  private readyQueues(): string[] {
    return [...[...this.declared.keys()].map((group) => this.name(group)), ...this.tiers().map((tier) => this.name(`retry.${tier}`))];
  }

  /** Throwaway queues expire when unused and their exchanges go with their last queue; kept ones stay until deleted. */
  private lifetime(): { queue: Options.AssertQueue; exchange: Options.AssertExchange } {
    return this.ephemeral ? { queue: { durable: true, expires: this.expiresMs }, exchange: { durable: true, autoDelete: true } } : { queue: { durable: true }, exchange: { durable: true } };
  }

  private async declareTopology(admin: Channel): Promise<void> {
    const { queue: lives, exchange } = this.lifetime();
    await admin.assertExchange(this.name('events'), 'topic', exchange);
    await admin.assertExchange(this.name('retry'), 'headers', exchange);
    for (const tier of this.tiers()) {
      const queue = this.name(`retry.${tier}`);
      await admin.assertQueue(queue, { ...lives, messageTtl: backoffDelay(this.policy, tier), deadLetterExchange: '' });
      await admin.bindQueue(queue, this.name('retry'), '', { 'x-match': 'all', [TIER_HEADER]: String(tier) });
    }
  }

  private async declareGroup(admin: Channel, group: string, types: string[]): Promise<void> {
    const { queue: lives } = this.lifetime();
    await admin.assertQueue(this.name(group), lives);
    await admin.assertQueue(this.name(`parked.${group}`), lives);
    for (const type of types) await admin.bindQueue(this.name(group), this.name('events'), type);
    const known = this.declared.get(group) ?? new Set<string>();
    for (const type of types) known.add(type);
    this.declared.set(group, known);
  }

  /** Uses a channel of its own: a declaration still in flight on the admin channel may fail and close that one. */
  private async deleteTopology(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    for (const group of this.declared.keys()) {
      await channel.deleteQueue(this.name(group));
      await channel.deleteQueue(this.name(`parked.${group}`));
    }
    for (const tier of this.tiers()) await channel.deleteQueue(this.name(`retry.${tier}`));
    await channel.deleteExchange(this.name('events'));
    await channel.deleteExchange(this.name('retry'));
  }

  private async startConsumer(consumer: Consumer, model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', ignore);
    channel.on('close', () => {
      if (consumer.channel !== channel) return;
      consumer.channel = undefined;
      consumer.inFlight.clear();
      setImmediate(() => this.restartConsumer(consumer, model));
    });
    await channel.prefetch(consumer.prefetch);
    consumer.channel = channel;
    await channel.consume(this.name(consumer.group), (raw) => {
      if (raw) void this.deliver(consumer, channel, raw);
      // The broker cancelled the consumer (its queue was deleted): closing the channel restarts it.
      else channel.close().catch(ignore);
    });
    if (consumer.closed) await channel.close().catch(ignore);
  }

  /** Brings back a consumer whose channel closed while its connection stayed up. */
  private restartConsumer(consumer: Consumer, model: ChannelModel): void {
    if (consumer.closed || this.link?.model !== model) return;
    const types = [...(this.declared.get(consumer.group) ?? [])];
    this.withLink(async (link) => {
      await this.declareGroup(link.admin, consumer.group, types);
      await this.startConsumer(consumer, link.model);
    }).catch(ignore);
  }

  private async unsubscribe(consumer: Consumer): Promise<void> {
    if (consumer.closed) return;
    consumer.closed = true;
    this.consumers.delete(consumer);
    // A copy already published must see its original acked, or both would be in the queue after the close.
    await Promise.all(consumer.settling);
    consumer.inFlight.clear();
    await consumer.channel?.close().catch(ignore);
  }

  private async deliver(consumer: Consumer, channel: Channel, raw: ConsumeMessage): Promise<void> {
    // A closing consumer takes nothing new: the message goes back to the queue when its channel closes.
    if (consumer.closed) return;
    consumer.inFlight.add(raw);
    const attempt = attemptOf(raw);
    // A message the broker hands back because its consumer went away holding it (a crash) carries no
    // count of its own on a classic queue: it is put back with the count raised first, so a message
    // that kills its consumer every time is parked after maxDeliveries, as on the in-process broker.
    if (raw.fields.redelivered) return this.replaceWithCopy(consumer, channel, raw, () => this.reroute(consumer.group, raw, attempt - 1, true, GONE));
    let reason = `delivered ${attempt} times`;
    const handled =
      attempt <= this.policy.maxDeliveries &&
      (await Promise.resolve()
        .then(() => consumer.handler({ ...decode(raw), attempt }))
        .then(
          () => true,
          (error: unknown) => {
            reason = failureReason(error ?? 'the handler failed');
            return false;
          },
        ));
    if (!consumer.inFlight.has(raw)) return;
    if (handled) return this.settle(consumer, channel, raw, true);
    if (consumer.closed) return;
    return this.replaceWithCopy(consumer, channel, raw, () => this.reroute(consumer.group, raw, attempt, false, reason));
  }

  /** Publishes the copy that carries the message on, then acks the original (nacks it when the copy was refused); a close waits for this. */
  private replaceWithCopy(consumer: Consumer, channel: Channel, raw: ConsumeMessage, publishCopy: () => Promise<void>): Promise<void> {
    const done = publishCopy().then(
      () => this.settle(consumer, channel, raw, true),
      () => this.settle(consumer, channel, raw, false),
    );
    consumer.settling.add(done);
    return done.finally(() => consumer.settling.delete(done));
  }

  private settle(consumer: Consumer, channel: Channel, raw: ConsumeMessage, ack: boolean): void {
    if (!consumer.inFlight.delete(raw)) return;
    try {
      if (ack) channel.ack(raw);
      else channel.nack(raw);
    } catch {
      // The channel is going away: the broker requeues the message.
    }
  }

  /** After a failed delivery: into the retry tier of this attempt (straight back into the queue when `now`), or to the parking queue once exhausted. */
  private reroute(group: string, raw: ConsumeMessage, attempt: number, now: boolean, reason: string): Promise<void> {
    if (attempt >= this.policy.maxDeliveries) {
      return this.send('', this.name(`parked.${group}`), raw.content, nextStage(raw, attempt - 1, { [FAILURE_HEADER]: reason, [PARKED_AT_HEADER]: new Date().toISOString() }));
    }
    if (now) return this.send('', this.name(group), raw.content, nextStage(raw, attempt));
    return this.send(this.name('retry'), this.name(group), raw.content, nextStage(raw, attempt, { [TIER_HEADER]: String(attempt) }));
  }

  private listenForReplies(link: Link): Promise<unknown> {
    link.replyQueue ??= this.consumeReplies(link.admin);
    return link.replyQueue.then((queue) =>
      Promise.all(
        [...this.replyTypes].map((type) => {
          let binding = link.replyBindings.get(type);
          if (!binding) link.replyBindings.set(type, (binding = link.admin.bindQueue(queue, this.name('events'), type)));
          return binding;
        }),
      ),
    );
  }

  private async consumeReplies(admin: Channel): Promise<string> {
    const { queue } = await admin.assertQueue('', { exclusive: true, autoDelete: true });
    await admin.consume(
      queue,
      (raw) => {
        if (raw) this.answer(raw);
      },
      { noAck: true },
    );
    return queue;
  }

  private answer(raw: ConsumeMessage): void {
    this.replies.answer(decode(raw));
  }

  /** Publishes through the confirm channel and resolves once the broker confirmed. */
  private send(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    return this.withLink(
      (link) =>
        new Promise<void>((resolve, reject) => {
          link.publisher.publish(exchange, routingKey, content, options, (error) => {
            this.unconfirmed -= 1;
            if (error) reject(error instanceof Error ? error : new Error(`RabbitMQ did not take the message (${String(error)})`));
            else resolve();
          });
          this.unconfirmed += 1;
        }),
    );
  }

  /** Runs `work` on the live connection, again on the next one if the connection was lost meanwhile. */
  private async withLink<T>(work: (link: Link) => Promise<T>): Promise<T> {
    for (;;) {
      const link = await this.connected();
      try {
        return await work(link);
      } catch (error) {
        if (this.closing || this.link === link) throw error;
      }
    }
  }

  private connected(): Promise<Link> {
    this.assertOpen();
    if (this.link) return Promise.resolve(this.link);
    return new Promise<Link>((resolve, reject) => {
      const waiter = {
        resolve: (link: Link) => {
          clearTimeout(timer);
          resolve(link);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.linkWaiters.delete(waiter);
        reject(new AppError('TRANSPORT_CLOSED', `lost the connection to RabbitMQ at ${maskUrl(this.url)}; it did not come back within ${this.reconnectWaitMs} ms`));
      }, this.reconnectWaitMs);
      this.linkWaiters.add(waiter);
    });
  }

  private assertOpen(): void {
    if (this.closing) throw new AppError('TRANSPORT_CLOSED', 'the broker is closed');
  }
}
