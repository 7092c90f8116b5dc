import { settledStatus, type Order } from '../../services/ordering/ordering-service.js';
import type { OrderFacts } from '../../services/notification/notification-service.js';
import { events, type OrderSettled } from '../events.js';
import { eventName } from '../../variants/variant.js';
import type { Link } from '../wiring.js';

const factsOf = (order: Omit<Order, 'id' | 'updatedAt'> & { orderId: string }): OrderFacts => ({
  orderId: order.orderId,
  userId: order.userId,
  priceCents: order.priceCents,
  status: settledStatus(order) as OrderFacts['status'],
  ...(order.reason ? { reason: order.reason } : {}),
});

/** Order → Notification: telling how an order ended. */
export const orderOutcome: Link<'rest' | 'event'> = {
  rest: {
    order(w) {
      // The call leaves through order's outbox, in the transaction that settled the order (also when a
      // payment event settles it), and notification stores one message per order id however often called.
      w.relay.order.call('OrderSettled', (order: Order) => ({ to: 'notification', method: 'POST', path: '/notifications', body: factsOf({ ...order, orderId: order.id }) }));
      w.ports.ordering.sendNow = async (order) => {
        // Made at once, as the style promises; when it fails the row stays and the relay retries it.
        await w.relay.order.deliverNow(order.id).catch(() => {});
      };
    },
  },
  event: {
    order(w) {
      w.relay.order.route('OrderSettled', (order: Order) => events.orderSettled(w.variant, order));
    },
    async notification(w) {
      // Thin events carry only the id: notification reads the order back (a read, changing nothing: no
      // outbox). When the order service does not answer, the id waits in notification's database and the
      // recovery pass reads it later, instead of the event being retried into the parking queue.
      w.ports.notification.orderDetails = (orderId) =>
        w.http.notification.expect('order', 'GET', `/orders/${orderId}`).then(
          (o: Order) => factsOf({ ...o, orderId: o.id }),
          () => undefined,
        );
      await w.bus.notification.subscribe([eventName(w.variant, 'OrderCreated'), eventName(w.variant, 'OrderFailed')], async (e: OrderSettled) => {
        if ('userId' in e) await w.flows.notification.orderSettled(factsOf(e));
        else await w.flows.notification.orderSettledById(e.orderId);
      });
    },
  },
};
