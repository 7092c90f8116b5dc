import type { Note } from '../note.js';
import type { Order, OrderingService, PaymentOutcome } from './ordering-service.js';

/** Ordering's synchronous follow-ups, where the variant makes a link a REST call (events leave through the outbox). */
export interface OrderingPorts {
  /**
   * Asks billing to charge a pending order and returns the outcome. A question whose answer the
   * step needs, so it is made directly, not through the outbox: a call that fails or is cut off
   * leaves the order pending, and the recovery pass asks billing again (a payment id is charged once).
   */
  requestPayment?(order: Order): Promise<PaymentOutcome>;
  /** Sends now what settling the order put in the outbox for notification (the call is in the outbox: a failure here is retried by the relay). */
  orderSettled?(order: Order): Promise<void>;
}

/** Order placement, the same in every variant: pending, paid or declined, announced. Without a REST payment link it stays pending until a payment outcome arrives. */
export class OrderFlow {
  constructor(
    private readonly orders: OrderingService,
    private readonly ports: OrderingPorts,
    private readonly note: Note,
  ) {}

  /** Places an order (or finds the one of its idempotency key); `replyTo` is the correlation id of a command waiting for its outcome. */
  async place(userId: string, priceCents: number, idempotencyKey?: string, replyTo?: string): Promise<{ order: Order; created: boolean }> {
    const { order, created } = this.orders.create(userId, priceCents, idempotencyKey, replyTo);
    if (created) this.note('order pending');
    // Without a REST payment link the outcome comes as an event. A retry of an order still pending
    // (its first payment call failed) asks again: billing charges a payment id once.
    const pay = this.ports.requestPayment;
    if (!pay || order.status !== 'pending') return { order, created };
    return { order: (await this.settle(order.id, await pay(order))).order, created };
  }

  /** Moves a pending order to its outcome (once; `changed` says whether this call did it) and sends what that put in the outbox. */
  async settle(orderId: string, outcome: PaymentOutcome): Promise<{ order: Order; changed: boolean }> {
    const { order, changed } = this.orders.settle(orderId, outcome);
    if (changed) {
      this.note(`order pending → ${order.status}`);
      await this.ports.orderSettled?.(order);
    }
    return { order, changed };
  }
}
