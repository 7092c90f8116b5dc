import { upstreamError } from '../../http/service-client.js';
import type { Payment } from '../../services/billing/billing-service.js';
import type { Order } from '../../services/ordering/ordering-service.js';
import { events, type PaymentSettled } from '../events.js';
import { eventName } from '../../variants/variant.js';
import type { Link } from '../wiring.js';
import { orderOf } from './saga-steps.js';

/** Order → Billing: charging an order. */
export const payment: Link<'rest' | 'event'> = {
  rest: {
    order(w) {
      w.ports.ordering.requestPayment = async (order) => {
        // Not through the outbox: a question whose answer settles the order. Billing charges a payment id
        // once, so asking again is safe; a call cut off leaves the order pending for the recovery pass.
        const answer = await w.http.order.call('billing', 'POST', '/payments', { paymentId: order.id, userId: order.userId, amountCents: order.priceCents });
        if (answer.status === 201) return { status: 'succeeded' };
        if (answer.status === 422) return { status: 'failed', reason: answer.body.message };
        throw upstreamError('billing', answer);
      };
      // The saga's refund: through the outbox, made again until billing answers (billing refunds a payment once).
      if (w.variant.saga !== 'choreography') w.relay.order.call('RefundDue', (o: Order) => ({ to: 'billing', method: 'POST', path: `/payments/${o.id}/refund`, body: { userId: o.userId, amountCents: o.priceCents } }));
    },
  },
  event: {
    async billing(w) {
      const style = w.variant.events;
      w.relay.billing.route('PaymentSettled', (p: Payment) => events.paymentSettled(w.variant, p));
      await w.bus.billing.subscribe([style === 'thin' ? 'PaymentRequired' : 'CreatePayment'], async (e) => {
        // A read (thin events): it changes nothing, so it needs no outbox; if order is away the delivery is nacked and redelivered.
        const charge = style === 'thin' ? await w.http.billing.expect('order', 'GET', `/orders/${e.orderId}`).then((o) => ({ paymentId: o.id, userId: o.userId, amountCents: o.priceCents })) : e;
        w.services.billing.pay(charge.paymentId, charge.userId, charge.amountCents);
      });
      await w.bus.billing.subscribe(['RefundPayment'], async (e: { paymentId: string; userId?: string; amountCents?: number }) => {
        const terms = e.userId ? { userId: e.userId, amountCents: e.amountCents! } : await orderOf(w, 'billing', { orderId: e.paymentId }).then((o) => ({ userId: o.userId, amountCents: o.priceCents }));
        w.services.billing.refund(e.paymentId, terms);
      });
    },
    async order(w) {
      const style = w.variant.events;
      // A choreography's saga is paid when billing hears OrderCreated on the order-status channel, not asked here.
      for (const placed of w.variant.saga === 'choreography' ? ['OrderPlaced'] : ['OrderPlaced', 'SagaCreated']) w.relay.order.route(placed, (order: Order) => events.paymentRequest(style, order));
      // In a choreography billing refunds when it hears OrderCancelled: nobody asks it to.
      if (w.variant.saga !== 'choreography') w.relay.order.route('RefundDue', (o: Order) => ({ type: 'RefundPayment', data: style === 'thin' ? { paymentId: o.id } : { paymentId: o.id, userId: o.userId, amountCents: o.priceCents } }));
      const succeeded = eventName(w.variant, 'PaymentCreated');
      await w.bus.order.subscribe([succeeded, eventName(w.variant, 'PaymentFailed')], async (e: PaymentSettled, delivery) => {
        const outcome = delivery.type === succeeded ? { status: 'succeeded' as const } : { status: 'failed' as const, reason: e.reason };
        await w.flows.order.settle(events.paymentIdOf(e), outcome);
      });
    },
  },
};
