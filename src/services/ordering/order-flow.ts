import { planted } from '../../core/planted.js';
import { conflict } from '../../core/errors.js';
import type { Note } from '../note.js';
import type { TraceContext } from '../../tracing/context.js';
import type { SagaEvent } from './order-saga.js';
import type { Order, OrderingService, PaymentOutcome, SagaRequest } from './ordering-service.js';

/** How a saga step a participant was asked for ended: done, or refused with a reason a customer can read. */
export type StepOutcome = { ok: true } | { ok: false; reason: string };

/** Ordering's synchronous follow-ups, where the variant makes a link a REST call (events leave through the outbox). */
export interface OrderingPorts {
  /**
   * Asks billing to charge a pending order and returns the outcome. A question whose answer the
   * step needs, so it is made directly, not through the outbox: a call that fails or is cut off
   * leaves the order pending, and the recovery pass asks billing again (a payment id is charged once).
   */
  requestPayment?(trace: TraceContext | undefined, order: Order): Promise<PaymentOutcome>;
  /** Asks stock to reserve a paid saga's items (a question, like the payment: stock reserves an order once). */
  requestReservation?(trace: TraceContext | undefined, order: Order): Promise<StepOutcome>;
  /** Asks delivery to take a reserved saga's goods (a question, like the payment: delivery starts an order once). */
  requestDelivery?(trace: TraceContext | undefined, order: Order): Promise<StepOutcome>;
  /** Sends now what a move put in the outbox as REST calls (the calls are in the outbox: a failure here is retried by the relay). */
  sendNow?(trace: TraceContext | undefined, order: Order): Promise<void>;
}

/** The step each saga state asks for next, the port that asks it over REST, and the events its answer makes. */
const NEXT_STEP = {
  paid: { ask: 'requestReservation', ok: 'stock reserved', refused: 'reservation failed' },
  reserved: { ask: 'requestDelivery', ok: 'handed to delivery', refused: 'delivery failed' },
} as const satisfies Record<string, { ask: keyof OrderingPorts; ok: SagaEvent; refused: SagaEvent }>;

/**
 * Order placement and the saga's orchestration, the same in every variant. A plain order: pending,
 * paid or declined, announced. A saga: each step the variant makes a REST call is asked here, one
 * after the other, while the caller waits; a step made by events is asked by the event its move
 * raised, and its answer comes back through `advance`. Each method works as part of the `trace` it is given.
 */
export class OrderFlow {
  constructor(
    private readonly orders: OrderingService,
    private readonly ports: OrderingPorts,
    private readonly note: Note,
  ) {}

  /** Places an order (or finds the one of its idempotency key); `replyTo` is the correlation id of a command waiting for its outcome. */
  async place(trace: TraceContext | undefined, userId: string, priceCents: number, idempotencyKey?: string, replyTo?: string, saga?: SagaRequest): Promise<{ order: Order; created: boolean }> {
    const { order, created } = this.orders.create(trace, userId, priceCents, idempotencyKey, replyTo, saga);
    if (created) this.note(trace, saga ? 'order created' : 'order pending');
    // Without a REST payment link the outcome comes as an event. A retry of an order still pending
    // (its first payment call failed) asks again: billing charges a payment id once.
    const pay = this.ports.requestPayment;
    const settled = pay && order.status === 'pending' ? (await this.settle(trace, order.id, await pay(trace, order))).order : order;
    return { order: await this.drive(trace, order.id, settled), created };
  }

  /**
   * Records how the order's payment ended (once; `changed` says whether this call did it), sends what
   * that put in the outbox and, for a saga, asks its next REST step: a payment answered by an event is
   * followed by a reservation the style makes over REST, as one answered by REST is.
   */
  async settle(trace: TraceContext | undefined, orderId: string, outcome: PaymentOutcome): Promise<{ order: Order; changed: boolean }> {
    const { order, changed } = this.orders.settle(trace, orderId, outcome);
    if (!changed) return { order, changed };
    await this.moved(trace, order, order.saga ? undefined : `order pending → ${order.status}`);
    return { order: order.saga ? await this.drive(trace, orderId) : order, changed };
  }

  /** Moves a saga on what a participant reported (once), sends what the move put in the outbox, and asks its next REST step. */
  async advance(trace: TraceContext | undefined, orderId: string, on: SagaEvent, reason?: string): Promise<{ order: Order; changed: boolean }> {
    const { order, changed } = this.orders.move(trace, orderId, on, reason);
    if (!changed) return { order, changed };
    await this.moved(trace, order);
    return { order: await this.drive(trace, orderId), changed };
  }

  /** Moves a saga along the way forward up to `state` (a choreography's order hears each status, maybe out of order). */
  async reach(trace: TraceContext | undefined, orderId: string, path: readonly SagaEvent[]): Promise<Order> {
    let order = this.orders.get(orderId);
    for (const on of path) order = (await this.advance(trace, orderId, on)).order;
    return order;
  }

  /**
   * Asks the saga's next steps that the variant makes REST calls, one after the other, until one is
   * made by an event, the saga waits for the customer, or it ends. A call that fails leaves the saga
   * where it is for the recovery pass (each participant does a step once per order, so asking again is safe).
   * `known`: the order as last read, kept when it cannot have changed since (a plain order settled stays as it is).
   */
  async drive(trace: TraceContext | undefined, orderId: string, known?: Order): Promise<Order> {
    if (known && !known.saga && known.status !== 'pending') return known;
    for (;;) {
      const order = this.orders.get(orderId);
      const next = order.saga && NEXT_STEP[order.saga.state as keyof typeof NEXT_STEP];
      const ask = next && this.ports[next.ask];
      if (!next || !ask) return order;
      const outcome = await ask(trace, order);
      const { order: moved, changed } = this.orders.move(trace, orderId, outcome.ok ? next.ok : next.refused, outcome.ok ? undefined : outcome.reason);
      if (!changed) return moved;
      await this.moved(trace, moved);
    }
  }

  /** Asks a stalled saga's next step again (the recovery pass): over REST here, or by raising its request event again. */
  async resume(trace: TraceContext | undefined, orderId: string): Promise<Order> {
    const order = this.orders.get(orderId);
    const state = order.saga?.state;
    const pay = this.ports.requestPayment;
    const next = NEXT_STEP[state as keyof typeof NEXT_STEP];
    if (state === 'created' && pay) await this.settle(trace, orderId, await pay(trace, order));
    else if (state === 'created' || (next && !this.ports[next.ask])) this.orders.askAgain(trace, orderId);
    return this.drive(trace, orderId);
  }

  /**
   * The customer confirms receipt: decided here, where the saga's state is, so a receipt and a cancel
   * of one order are one after the other in one database and exactly one of them wins; delivery hears
   * of it afterwards (ReceiptConfirmed). 409 unless the order is being delivered.
   */
  async confirmReceipt(trace: TraceContext | undefined, orderId: string): Promise<Order> {
    const { order, changed } = await this.advance(trace, orderId, 'customer confirms receipt');
    if (planted('receipt-after-cancel') && order.saga?.state === 'cancelled') return order;
    if (!changed) throw conflict(order.saga ? `order ${orderId} is ${order.saga.state}, not being delivered` : `order ${orderId} has no items: there is nothing to receive`);
    return order;
  }

  /** The customer cancels: a saga not done yet is cancelled at once, with what undoes its steps; 409 otherwise. */
  async cancel(trace: TraceContext | undefined, orderId: string): Promise<Order> {
    const { order, changed } = await this.advance(trace, orderId, 'customer cancels');
    if (!changed) throw conflict(order.saga ? `order ${orderId} is already ${order.saga.state}` : `order ${orderId} has no items: only an order of the saga can be cancelled`);
    return order;
  }

  private async moved(trace: TraceContext | undefined, order: Order, note = order.saga && `order ${order.saga.history.at(-2)?.status ?? 'new'} → ${order.saga.state}`): Promise<void> {
    if (note) this.note(trace, note);
    await this.ports.sendNow?.(trace, order);
  }
}
