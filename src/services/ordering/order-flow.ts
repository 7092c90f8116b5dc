import type { Note } from '../note.js';
import type { Order, OrderingService, PaymentOutcome } from './ordering-service.js';

/** How ordering reaches billing and notification; the variant decides: REST calls or events. */
export interface OrderingPorts {
  /** Asks billing to charge a pending order: the outcome at once (REST) or undefined when it will come as an event. */
  requestPayment(order: Order): Promise<PaymentOutcome | undefined>;
  /** Announces that an order reached its final status. */
  orderSettled(order: Order): Promise<void>;
}

/** Order placement, the same in every variant: pending, paid or declined, announced. */
export class OrderFlow {
  constructor(
    private readonly orders: OrderingService,
    private readonly ports: OrderingPorts,
    private readonly note: Note,
  ) {}

  async place(userId: string, priceCents: number, idempotencyKey?: string): Promise<{ order: Order; created: boolean }> {
    const { order, created } = this.orders.create(userId, priceCents, idempotencyKey);
    if (!created) return { order, created };
    this.note('order pending');
    const outcome = await this.ports.requestPayment(order);
    return { order: outcome ? await this.settle(order.id, outcome) : order, created };
  }

  async settle(orderId: string, outcome: PaymentOutcome): Promise<Order> {
    const { order, changed } = this.orders.settle(orderId, outcome);
    if (changed) {
      this.note(`order pending → ${order.status}`);
      await this.ports.orderSettled(order);
    }
    return order;
  }
}
