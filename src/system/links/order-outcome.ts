import type { Order } from '../../services/ordering/ordering-service.js';
import type { OrderFacts } from '../../services/notification/notification-service.js';
import { events, type OrderSettled } from '../events.js';
import type { Link } from '../wiring.js';

const factsOf = (order: Omit<Order, 'id' | 'updatedAt'> & { orderId: string }): OrderFacts => ({
  orderId: order.orderId,
  userId: order.userId,
  priceCents: order.priceCents,
  status: order.status as OrderFacts['status'],
  ...(order.reason ? { reason: order.reason } : {}),
});

/** Order → Notification: telling how an order ended. */
export const orderOutcome: Link<'rest' | 'event'> = {
  rest(w) {
    w.ports.ordering.orderSettled = async (order) => {
      await w.http.order.expect('notification', 'POST', '/notifications', factsOf({ ...order, orderId: order.id }));
    };
  },
  async event(w) {
    const style = w.variant.events;
    w.relay.order.route('OrderSettled', (order: Order) => events.orderSettled(style, order));
    await w.bus.notification.subscribe(['OrderCreated', 'OrderFailed'], async (e: OrderSettled) => {
      const order = 'userId' in e ? e : await w.http.notification.expect('order', 'GET', `/orders/${e.orderId}`).then((o: Order) => ({ ...o, orderId: o.id }));
      await w.flows.notification.orderSettled(factsOf(order));
    });
  },
};
