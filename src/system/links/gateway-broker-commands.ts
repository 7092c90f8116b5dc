import { errorBody } from '../../core/errors.js';
import type { ServiceBus } from '../../broker/service-bus.js';
import type { Message } from '../../broker/transport.js';
import type { ServiceClient } from '../../http/service-client.js';
import type { GatewayCommands, Reply } from '../../services/gateway/gateway-commands.js';
import type { Order } from '../../services/ordering/ordering-service.js';
import { placementAnswer } from '../../services/ordering/ordering-routes.js';
import type { TraceContext } from '../../tracing/context.js';
import { eventName, RENAMABLE_EVENTS, type RenamableEvent, type Variant } from '../../variants/variant.js';

/**
 * Command and reply event types of the broker-based variants. An order is answered by its
 * OrderCreated / OrderFailed event, or, for a request that repeats an Idempotency-Key, by
 * OrderAnswered (the stored order) or OrderRejected (the key was used for another price).
 */
export const COMMANDS = {
  register: { command: 'RegistrationRequested', ok: 'UserCreated', failed: 'RegistrationFailed' },
  deposit: { command: 'DepositRequested', ok: 'DepositSucceeded', failed: 'DepositFailed' },
  withdraw: { command: 'WithdrawRequested', ok: 'WithdrawSucceeded', failed: 'WithdrawFailed' },
  order: { command: 'CreateOrder', ok: 'OrderCreated', failed: 'OrderFailed', answered: 'OrderAnswered', rejected: 'OrderRejected' },
} as const;

/** A command that could not be carried out, as its failure event tells it. */
export interface CommandFailure {
  code: number;
  error?: string;
  message: string;
}

/** The payload of OrderAnswered: the order as stored. */
export type OrderAnswer = Omit<Order, 'id'> & { orderId: string };

/** What OrderAnswered carries for a stored order. */
export const orderAnswer = ({ id, ...order }: Order): OrderAnswer => ({ orderId: id, ...order });

const failure = (reply: Message): Reply => {
  const { code, message } = reply.data as CommandFailure;
  return { status: code, body: errorBody(code, message) };
};

/** The commands and replies as a style names them (its `names` may rename UserCreated, OrderCreated, OrderFailed). */
export function commandsOf(variant: Pick<Variant, 'names'>): typeof COMMANDS {
  const named = (type: string) => ((RENAMABLE_EVENTS as readonly string[]).includes(type) ? eventName(variant, type as RenamableEvent) : type);
  return Object.fromEntries(Object.entries(COMMANDS).map(([kind, types]) => [kind, Object.fromEntries(Object.entries(types).map(([k, t]) => [k, named(t)]))])) as unknown as typeof COMMANDS;
}

/**
 * Commands as events on the broker; the gateway holds the client's request open until the
 * reply event with the same correlation id arrives (variants event-notification and event-collaboration).
 * With thin events the gateway reads the new user back from identity. The gateway keeps no state, so
 * it publishes directly (no outbox): a command lost before the broker took it is a 504 the client
 * retries with its Idempotency-Key, and the owner answers a repeat from what it stored.
 */
export function brokerCommands(bus: ServiceBus, http: ServiceClient, variant: Pick<Variant, 'names' | 'events'>, timeoutMs: number): GatewayCommands {
  const COMMANDS = commandsOf(variant);
  const thinEvents = variant.events === 'thin';
  const repliesTo = (kind: keyof typeof COMMANDS): string[] => Object.entries(COMMANDS[kind]).filter(([k]) => k !== 'command').map(([, type]) => type);
  bus.awaits((Object.keys(COMMANDS) as (keyof typeof COMMANDS)[]).flatMap(repliesTo));
  const send = (trace: TraceContext, kind: keyof typeof COMMANDS, data: unknown, replies = repliesTo(kind)) => bus.request<any>(trace, COMMANDS[kind].command, data, replies, timeoutMs);
  return {
    async register(trace, form) {
      const reply = await send(trace, 'register', form);
      if (reply.type !== COMMANDS.register.ok) return failure(reply);
      return { status: 201, body: thinEvents ? await http.expect(trace, 'identity', 'GET', `/users/${reply.data.userId}`) : reply.data };
    },
    async deposit(trace, userId, amountCents, idempotencyKey) {
      const reply = await send(trace, 'deposit', { userId, amountCents, idempotencyKey });
      return reply.type === COMMANDS.deposit.ok ? { status: 204 } : failure(reply);
    },
    async withdraw(trace, userId, amountCents, idempotencyKey) {
      const reply = await send(trace, 'withdraw', { userId, amountCents, idempotencyKey });
      return reply.type === COMMANDS.withdraw.ok ? { status: 204 } : failure(reply);
    },
    async placeOrder(trace, userId, priceCents, idempotencyKey, saga) {
      // A saga is answered by OrderAnswered once handed to delivery or cancelled, never by an outcome event (that comes when it ends).
      const reply = await send(trace, 'order', { userId, priceCents, idempotencyKey, ...saga }, saga ? [COMMANDS.order.answered, COMMANDS.order.rejected] : undefined);
      if (reply.type === COMMANDS.order.rejected) return failure(reply);
      let order;
      if (reply.type === COMMANDS.order.answered) {
        const { orderId, ...stored } = reply.data as OrderAnswer;
        order = { id: orderId, ...stored };
      } else {
        const { orderId, ...facts } = reply.data;
        const status = reply.type === COMMANDS.order.ok ? 'succeeded' : 'failed';
        // The reply event says when the order settled; thin events carry no times, so the event's time stands for both.
        order = thinEvents
          ? { id: orderId, userId, priceCents, status, reason: facts.reason, createdAt: reply.time, updatedAt: reply.time }
          : { id: orderId, ...facts, updatedAt: facts.updatedAt ?? reply.time };
      }
      return placementAnswer(order);
    },
  };
}
