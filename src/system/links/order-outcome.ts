import { settledStatus, type Order } from '../../services/ordering/ordering-service.js';
import type { OrderFacts } from '../../services/notification/notification-service.js';
import { events, type OrderSettled } from '../events.js';
import { eventName, type Variant } from '../../variants/variant.js';
import type { Link } from '../wiring.js';

const factsOf = (order: Omit<Order, 'id' | 'updatedAt'> & { orderId: string }): OrderFacts => ({
  orderId: order.orderId,
  userId: order.userId,
  priceCents: order.priceCents,
  status: settledStatus(order) as OrderFacts['status'],
  ...(order.reason ? { reason: order.reason } : {}),
});

/** The outcome events of a style, by the names it gives them. */
export const outcomeEvents = (v: Pick<Variant, 'names'>): string[] => [eventName(v, 'OrderCreated'), eventName(v, 'OrderFailed')];

/** Order → Notification: telling how an order ended. */
export const orderOutcome: Link<'rest' | 'event'> = {
  rest: {
    declare: () => ({
      routes: { order: { OrderSettled: { to: 'notification', call: 'POST /notifications' } } },
      explain: {
        order:
          "Then, right after the commit and while you wait, Order calls Notification (POST /notifications): a slow one delays your answer; a stopped one no longer fails a paid order, the call waits in Order's outbox and is made when Notification is back.",
      },
    }),
    sides: {
      // The call leaves through order's outbox, in the transaction that settled the order (also when a
      // payment event settles it), and notification stores one message per order id however often called.
      order: (w) => w.relay.call('OrderSettled', (order: Order) => ({ to: 'notification', method: 'POST', path: '/notifications', body: factsOf({ ...order, orderId: order.id }) })),
    },
  },
  event: {
    declare: (v) => ({
      routes: { order: { OrderSettled: { messages: outcomeEvents(v) } } },
      consumes: { notification: outcomeEvents(v) },
      calls: v.events === 'thin' ? [{ from: 'notification', to: 'order', call: 'GET /orders/{id}' }] : [],
      ports: { notification: ['orderDetails'] },
      explain: {
        order: `Order announces ${outcomeEvents(v).join(' or ')}; Notification consumes it after your answer${v.events === 'thin' ? ' and reads the order back' : ''}, so a slow or stopped Notification never delays or fails your order.`,
      },
    }),
    sides: {
      order(w) {
        w.relay.route('OrderSettled', (order: Order) => events.orderSettled(w.variant, order));
      },
      async notification(w) {
        // Thin events carry only the id: notification reads the order back (a read, changing nothing: no
        // outbox). When the order service does not answer, the id waits in notification's database and the
        // recovery pass reads it later, instead of the event being retried into the parking queue.
        await w.bus.subscribe(outcomeEvents(w.variant), async (e: OrderSettled, _delivery, trace) => {
          if ('userId' in e) await w.flow.orderSettled(trace, factsOf(e));
          else await w.flow.orderSettledById(trace, e.orderId);
        });
        return {
          orderDetails: (trace, orderId) =>
            w.http.expect(trace, 'order', 'GET', `/orders/${orderId}`).then(
              (o: Order) => factsOf({ ...o, orderId: o.id }),
              () => undefined,
            ),
        };
      },
    },
  },
};
