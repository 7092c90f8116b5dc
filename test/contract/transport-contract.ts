import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HEADERS,
  type Delivery,
  type Handler,
  type Message,
  type RetryPolicy,
  type SubscribeOptions,
  type Subscription,
  type Transport,
} from '../../src/broker/transport.js';
import { eventually } from '../support/eventually.js';

const policy: RetryPolicy = { maxDeliveries: 3, backoffBaseMs: 5, backoffMaxMs: 20 };
/** Long enough for any further redelivery under `policy` to have happened. */
const settleMs = policy.backoffMaxMs * 5;
const everyAttempt = Array.from({ length: policy.maxDeliveries }, (_, i) => i + 1);

const message = <T>(type: string, data: T, headers: Record<string, string> = {}): Message<T> => ({
  id: randomUUID(),
  type,
  source: 'test',
  time: new Date().toISOString(),
  data,
  headers,
});

const withCorrelation = <T>(type: string, data: T, correlationId: string = randomUUID()): Message<T> =>
  message(type, data, { [HEADERS.correlationId]: correlationId });

const replyTo = <T>(command: Message, type: string, data: T): Message<T> =>
  withCorrelation(type, data, command.headers[HEADERS.correlationId]);

interface Gate {
  promise: Promise<void>;
  release(): void;
}

function createGate(): Gate {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

interface Consumer {
  seen: Delivery[];
  subscription: Subscription;
}

const ids = (messages: Message[]): string[] => messages.map((m) => m.id).sort();

export function transportContract(name: string, makeTransport: (policy: RetryPolicy) => Promise<Transport>): void {
  describe(`transport contract: ${name}`, () => {
    let transport: Transport;
    let gates: Gate[];

    beforeEach(async () => {
      gates = [];
      transport = await makeTransport(policy);
    });

    afterEach(async () => {
      for (const gate of gates) gate.release();
      await transport?.close();
    });

    const gate = (): Gate => {
      const created = createGate();
      gates.push(created);
      return created;
    };

    /** Subscribes a handler that records every delivery before running `behaviour`. */
    const consume = async (
      group: string,
      types: string[],
      behaviour: Handler = async () => {},
      options?: SubscribeOptions,
    ): Promise<Consumer> => {
      const seen: Delivery[] = [];
      const subscription = await transport.subscribe(
        group,
        types,
        async (delivery) => {
          seen.push(delivery);
          await behaviour(delivery);
        },
        options,
      );
      return { seen, subscription };
    };

    const publishAll = async (messages: Message[]): Promise<void> => {
      for (const m of messages) await transport.publish(m);
    };

    const many = (n: number, type = 'OrderPlaced'): Message[] =>
      Array.from({ length: n }, (_, i) => message(type, { n: i }));

    /** Resolves once nothing is pending on the transport; throws if that never happens. */
    const idle = () => eventually('nothing pending', () => transport.pending(), (n) => n === 0);

    it('delivers a published message with id, type, source, data and headers intact, attempt 1', async () => {
      const { seen } = await consume('billing', ['OrderPlaced']);
      const sent = message(
        'OrderPlaced',
        { orderId: 'o-1', total: { amount: 4200, currency: 'EUR' }, lines: [{ sku: 'sku-1', qty: 2 }], note: null },
        {
          [HEADERS.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          [HEADERS.correlationId]: randomUUID(),
        },
      );

      await transport.publish(sent);
      await eventually('the delivery', () => seen.length, (n) => n === 1);

      const [got] = seen;
      expect({ id: got.id, type: got.type, source: got.source, data: got.data, attempt: got.attempt }).toEqual({
        id: sent.id,
        type: sent.type,
        source: sent.source,
        data: sent.data,
        attempt: 1,
      });
      expect(got.headers).toMatchObject(sent.headers);
    });

    it('routes by type: a subscriber bound to one type does not receive another', async () => {
      const orders = await consume('orders', ['OrderPlaced']);
      const payments = await consume('payments', ['PaymentCaptured']);
      const payment = message('PaymentCaptured', { paymentId: 'p-1' });
      const order = message('OrderPlaced', { orderId: 'o-1' });

      await publishAll([payment, order]);
      await eventually('one delivery to each group', () => [orders.seen.length, payments.seen.length], ([o, p]) => o === 1 && p === 1);
      await idle();

      expect(ids(orders.seen)).toEqual([order.id]);
      expect(ids(payments.seen)).toEqual([payment.id]);
    });

    it('fans out: every group bound to a type gets its own copy', async () => {
      const billing = await consume('billing', ['OrderPlaced']);
      const shipping = await consume('shipping', ['OrderPlaced']);
      const sent = message('OrderPlaced', { orderId: 'o-1' });

      await transport.publish(sent);
      await eventually('a copy to each group', () => [billing.seen.length, shipping.seen.length], ([b, s]) => b === 1 && s === 1);
      await idle();

      expect(ids(billing.seen)).toEqual([sent.id]);
      expect(ids(shipping.seen)).toEqual([sent.id]);
    });

    it('shares a group queue between competing consumers: each message handled exactly once, both get some', async () => {
      const slow: Handler = () => sleep(5);
      const first = await consume('billing', ['OrderPlaced'], slow, { prefetch: 1 });
      const second = await consume('billing', ['OrderPlaced'], slow, { prefetch: 1 });
      const sent = many(20);

      await publishAll(sent);
      await eventually('every message handled', () => first.seen.length + second.seen.length, (n) => n >= sent.length);
      await idle();

      expect(ids([...first.seen, ...second.seen])).toEqual(ids(sent));
      expect(first.seen.length).toBeGreaterThan(0);
      expect(second.seen.length).toBeGreaterThan(0);
    });

    it('keeps a group queue durable: messages published while the group has no consumer are delivered when it returns', async () => {
      const before = await consume('billing', ['OrderPlaced']);
      await before.subscription.close();
      const sent = many(3);

      await publishAll(sent);
      const after = await consume('billing', ['OrderPlaced']);
      await eventually('the queued messages delivered', () => after.seen.length, (n) => n === sent.length);
      await idle();

      expect(before.seen).toEqual([]);
      expect(ids(after.seen)).toEqual(ids(sent));
    });

    it('redelivers a rejected message with a growing attempt and acks it once the handler succeeds', async () => {
      let succeeded = 0;
      const { seen } = await consume('billing', ['OrderPlaced'], async (delivery) => {
        if (delivery.attempt < policy.maxDeliveries) throw new Error(`transient failure ${delivery.attempt}`);
        succeeded += 1;
      });

      await transport.publish(message('OrderPlaced', { orderId: 'o-1' }));
      await eventually('a successful delivery', () => succeeded, (n) => n === 1);
      await idle();

      expect(seen.map((d) => d.attempt)).toEqual(everyAttempt);
      expect(await transport.parked('billing')).toEqual([]);
    });

    it('parks a poison message after maxDeliveries and never delivers it again, while other messages flow', async () => {
      const poison = message('OrderPlaced', { orderId: 'poison' });
      const healthy = many(3);
      const acked: string[] = [];
      const { seen } = await consume('billing', ['OrderPlaced'], async (delivery) => {
        if (delivery.id === poison.id) throw new Error('cannot handle this one');
        acked.push(delivery.id);
      });

      await publishAll([healthy[0], poison, healthy[1], healthy[2]]);
      await eventually('the poison message parked', () => transport.parked('billing'), (parked) => parked.some((m) => m.id === poison.id));
      await sleep(settleMs);
      await idle();

      expect(seen.filter((d) => d.id === poison.id).map((d) => d.attempt)).toEqual(everyAttempt);
      expect(ids(await transport.parked('billing'))).toEqual([poison.id]);
      expect(acked.sort()).toEqual(ids(healthy));
      const [parked] = await transport.parked('billing');
      expect(parked).toMatchObject({ id: poison.id, type: 'OrderPlaced', data: { orderId: 'poison' }, attempts: policy.maxDeliveries, reason: 'cannot handle this one' });
      expect(Date.parse(parked.parkedAt)).not.toBeNaN();
    });

    it('replays parked messages on request: delivered again from attempt 1, gone from the parking queue, the others left there', async () => {
      let healed = false;
      const first = message('OrderPlaced', { orderId: 'first' });
      const second = message('OrderPlaced', { orderId: 'second' });
      const { seen } = await consume('billing', ['OrderPlaced'], async () => {
        if (!healed) throw new Error('not yet');
      });
      await publishAll([first, second]);
      await eventually('both messages parked', () => transport.parked('billing'), (parked) => parked.length === 2);
      healed = true;

      expect(await transport.replay('billing', [second.id])).toBe(1);
      await eventually('the replayed message delivered', () => seen.some((d) => d.id === second.id && d.attempt === 1));
      await idle();
      expect(ids(await transport.parked('billing'))).toEqual([first.id]);
      expect(await transport.replay('billing')).toBe(1);
      await eventually('the other replayed message delivered', () => seen.some((d) => d.id === first.id && d.attempt === 1));
      await idle();
      expect(await transport.parked('billing')).toEqual([]);
      expect(await transport.replay('nobody')).toBe(0);
    });

    it('lists the consumer groups it declared', async () => {
      await consume('billing', ['OrderPlaced']);
      await consume('notification', ['OrderCreated']);
      expect(transport.groups()).toEqual(['billing', 'notification']);
    });

    it('hands an unacked message back when its subscription closes: another consumer of the group gets it again', async () => {
      const held = gate();
      const first = await consume('billing', ['OrderPlaced'], () => held.promise);
      const sent = message('OrderPlaced', { orderId: 'o-1' });

      await transport.publish(sent);
      await eventually('the first consumer holding the message', () => first.seen.length, (n) => n === 1);
      const second = await consume('billing', ['OrderPlaced']);
      await first.subscription.close();
      await eventually('the message handed to the second consumer', () => second.seen.length, (n) => n === 1);
      held.release();
      await idle();

      expect(second.seen[0].id).toBe(sent.id);
      expect(second.seen[0].attempt).toBeGreaterThanOrEqual(2);
      expect(first.seen).toHaveLength(1);
    });

    it('counts every consumer that went away holding a message, and parks it after maxDeliveries such losses', async () => {
      const sent = message('OrderPlaced', { orderId: 'kills-its-consumer' });
      const attempts: number[] = [];
      for (let lost = 0; lost < policy.maxDeliveries; lost++) {
        const held = gate();
        const doomed = await consume('billing', ['OrderPlaced'], () => held.promise);
        if (lost === 0) await transport.publish(sent);
        await eventually(`delivery ${lost + 1} to a doomed consumer`, () => doomed.seen.length, (n) => n === 1);
        attempts.push(doomed.seen[0].attempt);
        await doomed.subscription.close();
        held.release();
      }
      const after = await consume('billing', ['OrderPlaced']);
      await eventually('the message parked', () => transport.parked('billing'), (parked) => parked.length === 1);
      await sleep(settleMs);
      await idle();

      expect(attempts).toEqual(everyAttempt);
      expect(after.seen).toEqual([]);
      expect(ids(await transport.parked('billing'))).toEqual([sent.id]);
    });

    it('counts a consumer that goes away the moment it is handed the message once, leaving one copy of it', async () => {
      for (let round = 0; round < 5; round++) {
        const sent = message('OrderPlaced', { orderId: `dies-at-once-${round}` });
        const attempts: number[] = [];
        for (let lost = 0; lost < policy.maxDeliveries; lost++) {
          let doomed: Subscription | undefined;
          const gone = createGate();
          doomed = (
            await consume('billing', ['OrderPlaced'], async (delivery) => {
              attempts.push(delivery.attempt);
              await doomed?.close();
              gone.release();
            })
          ).subscription;
          if (lost === 0) await transport.publish(sent);
          await gone.promise;
        }
        const after = await consume('billing', ['OrderPlaced']);
        await eventually('the message parked', () => transport.parked('billing'), (parked) => parked.length === round + 1);
        await sleep(settleMs);
        await idle();
        await after.subscription.close();

        expect(attempts).toEqual(everyAttempt);
        expect(after.seen).toEqual([]);
        expect((await transport.parked('billing')).filter((m) => m.id === sent.id)).toHaveLength(1);
      }
    });

    it('never delivers a message more than maxDeliveries times, even across a subscription close', async () => {
      const held = gate();
      const first = await consume('billing', ['OrderPlaced'], async (delivery) => {
        if (delivery.attempt < policy.maxDeliveries) throw new Error('transient');
        await held.promise;
      });
      await transport.publish(message('OrderPlaced', { orderId: 'o-1' }));
      await eventually('every allowed delivery', () => first.seen.length, (n) => n === policy.maxDeliveries);
      await first.subscription.close();
      const second = await consume('billing', ['OrderPlaced'], async () => {
        throw new Error('still failing');
      });
      await eventually('the message parked', () => transport.parked('billing'), (parked) => parked.length === 1);
      await sleep(settleMs);

      expect([...first.seen, ...second.seen].map((d) => d.attempt)).toEqual([1, 2, 3]);
    });

    it('honours prefetch: at most that many messages are in the handler at once', async () => {
      const held = gate();
      let active = 0;
      let maxActive = 0;
      const { seen } = await consume(
        'billing',
        ['OrderPlaced'],
        async () => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          await held.promise;
          active -= 1;
        },
        { prefetch: 2 },
      );
      const sent = many(5);

      await publishAll(sent);
      await eventually('two messages in the handler', () => active, (n) => n === 2);
      await sleep(settleMs);
      expect(seen).toHaveLength(2);

      held.release();
      await eventually('every message handled', () => seen.length, (n) => n === sent.length);
      await idle();

      expect(maxActive).toBe(2);
      expect(ids(seen)).toEqual(ids(sent));
    });

    describe('request/reply', () => {
      const respond = (reply: (command: Delivery) => Message[]) =>
        consume('pinger', ['Ping'], async (command) => publishAll(reply(command)));
      const replyOptions = { replyTypes: ['Pong', 'PongFailed'], timeoutMs: 5_000 };

      it('resolves with the reply that carries the request correlation id', async () => {
        await respond((command) => [replyTo(command, 'Pong', { echo: command.data })]);
        const ping = withCorrelation('Ping', { n: 1 });

        const reply = await transport.request(ping, replyOptions);

        expect(reply.type).toBe('Pong');
        expect(reply.data).toEqual({ echo: { n: 1 } });
        expect(reply.headers[HEADERS.correlationId]).toBe(ping.headers[HEADERS.correlationId]);
      });

      it('matches concurrent requests to their own replies when replies arrive in reverse order', async () => {
        const commands: Delivery[] = [];
        await consume('pinger', ['Ping'], async (command) => {
          commands.push(command);
          if (commands.length === 2) {
            await publishAll([...commands].reverse().map((c) => replyTo(c, 'Pong', { echo: c.data })));
          }
        });
        const first = withCorrelation('Ping', { n: 1 });
        const second = withCorrelation('Ping', { n: 2 });

        const replies = await Promise.all([transport.request(first, replyOptions), transport.request(second, replyOptions)]);

        expect(replies.map((r) => r.data)).toEqual([{ echo: { n: 1 } }, { echo: { n: 2 } }]);
        expect(replies.map((r) => r.headers[HEADERS.correlationId])).toEqual([
          first.headers[HEADERS.correlationId],
          second.headers[HEADERS.correlationId],
        ]);
      });

      it('ignores a message with the correlation id whose type is not a reply type', async () => {
        await respond((command) => [
          replyTo(command, 'PingLogged', { note: 'not a reply' }),
          replyTo(command, 'PongFailed', { reason: 'no pong today' }),
        ]);

        const reply = await transport.request(withCorrelation('Ping', { n: 1 }), replyOptions);

        expect(reply.type).toBe('PongFailed');
        expect(reply.data).toEqual({ reason: 'no pong today' });
      });

      it('keeps overlapping requests with one correlation id apart: the later one still gets its reply', async () => {
        const correlationId = randomUUID();
        const early = transport.request(withCorrelation('Ping', { n: 1 }, correlationId), { replyTypes: ['Pong'], timeoutMs: 20 });
        const late = transport.request(withCorrelation('Ping', { n: 2 }, correlationId), { replyTypes: ['Pong'], timeoutMs: 2_000 });
        await expect(early).rejects.toMatchObject({ code: 'REPLY_TIMEOUT' });
        await transport.publish(withCorrelation('Pong', { ok: true }, correlationId));

        await expect(late).resolves.toMatchObject({ type: 'Pong' });
      });

      it('rejects with REPLY_TIMEOUT when no reply arrives', async () => {
        const request = transport.request(withCorrelation('Ping', { n: 1 }), { ...replyOptions, timeoutMs: 50 });

        await expect(request).rejects.toMatchObject({ code: 'REPLY_TIMEOUT' });
      });
    });

    it('reports pending work: > 0 while a handler holds a message, 0 once everything is acked', async () => {
      const held = gate();
      const { seen } = await consume('billing', ['OrderPlaced'], async (delivery) => {
        if (delivery.data === 'hold') await held.promise;
      });

      await publishAll(many(3));
      await eventually('three deliveries', () => seen.length, (n) => n === 3);
      await idle(); // throws unless pending drops to 0

      await transport.publish(message('OrderPlaced', 'hold'));
      await eventually('the held delivery', () => seen.length, (n) => n === 4);
      expect(await transport.pending()).toBeGreaterThan(0);

      held.release();
      await idle(); // throws unless pending drops back to 0
    });

    describe('after close()', () => {
      it('rejects publish with TRANSPORT_CLOSED', async () => {
        await transport.close();

        await expect(Promise.resolve().then(() => transport.publish(message('OrderPlaced', {})))).rejects.toMatchObject({
          code: 'TRANSPORT_CLOSED',
        });
      });

      it('rejects a pending request with TRANSPORT_CLOSED', async () => {
        const rejected = expect(
          transport.request(withCorrelation('Ping', { n: 1 }), { replyTypes: ['Pong'], timeoutMs: 10_000 }),
        ).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });

        await transport.close();

        await rejected;
      });
    });
  });
}
