import type { Note } from '../note.js';
import type { Order, OrderingService, PaymentOutcome } from './ordering-service.js';

/** Ordering's synchronous follow-ups, where the variant makes a link a REST call (events leave through the outbox). */
export interface OrderingPorts {
  /** Asks billing to charge a pending order and returns the outcome. */
  requestPayment?(order: Order): Promise<PaymentOutcome>;
  /** Tells notification how an order ended. */
  orderSettled?(order: Order): Promise<void>;
}

/** Order placement, the same in every variant: pending, paid or declined, announced. Without a REST payment link it stays pending until a payment outcome arrives. */
export class OrderFlow {
  constructor(
    private readonly orders: OrderingService,
    private readonly ports: OrderingPorts,
    private readonly note: Note,
  ) {}

  async place(userId: string, priceCents: number, idempotencyKey?: string): Promise<{ order: Order; created: boolean }> {
    const { order, created } = this.orders.create(userId, priceCents, idempotencyKey);
    if (created) this.note('order pending');
    // Without a REST payment link the outcome comes as an event. A retry of an order still pending
    // (its first payment call failed) asks again: billing charges a payment id once.
    const pay = this.ports.requestPayment;
    if (!pay || order.status !== 'pending') return { order, created };
    return { order: await this.settle(order.id, await pay(order)), created };
  }

  async settle(orderId: string, outcome: PaymentOutcome): Promise<Order> {
    const { order, changed } = this.orders.settle(orderId, outcome);
    if (changed) {
      this.note(`order pending → ${order.status}`);
      await this.ports.orderSettled?.(order);
    }
    return order;
  }
}
