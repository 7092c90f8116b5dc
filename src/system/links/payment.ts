import { upstreamError } from '../../http/service-client.js';
import type { Payment } from '../../services/billing/billing-service.js';
import type { Order, PaymentOutcome } from '../../services/ordering/ordering-service.js';
import { events, type PaymentSettled } from '../events.js';
import { eventName, type Variant } from '../../variants/variant.js';
import type { Link } from '../wiring.js';
import type { TraceContext } from '../../tracing/context.js';
import { orderOf } from './saga-steps.js';

const orchestrated = (v: Pick<Variant, 'saga'>) => v.saga !== 'choreography';
const request = (v: Pick<Variant, 'events'>) => (v.events === 'thin' ? 'PaymentRequired' : 'CreatePayment');

/** Order → Billing: charging an order. */
export const payment: Link<'rest' | 'event'> = {
  rest: {
    declare: (v) => ({
      calls: [{ from: 'order', to: 'billing', call: 'POST /payments' }],
      ports: { order: ['requestPayment'] },
      routes: orchestrated(v) ? { order: { RefundDue: { to: 'billing', call: 'POST /payments/{id}/refund' } } } : {},
      absorbs: {
        order: { OrderPlaced: 'the order service asks billing itself (POST /payments)', SagaCreated: 'the order service asks billing itself (POST /payments)' },
        billing: { PaymentSettled: 'the answer to POST /payments carries the outcome' },
      },
      explain: { order: 'Order calls Billing (POST /payments) while you wait — a stopped Billing fails your order.' },
    }),
    sides: {
      order(w) {
        const requestPayment = async (trace: TraceContext | undefined, order: Order): Promise<PaymentOutcome> => {
          // Not through the outbox: a question whose answer settles the order. Billing charges a payment id
          // once, so asking again is safe; a call cut off leaves the order pending for the recovery pass.
          const answer = await w.http.call(trace, 'billing', 'POST', '/payments', { paymentId: order.id, userId: order.userId, amountCents: order.priceCents });
          if (answer.status === 201) return { status: 'succeeded' };
          if (answer.status === 422) return { status: 'failed', reason: answer.body.message };
          throw upstreamError('billing', answer);
        };
        // The saga's refund: through the outbox, made again until billing answers (billing refunds a payment once).
        if (orchestrated(w.variant)) w.relay.call('RefundDue', (o: Order) => ({ to: 'billing', method: 'POST', path: `/payments/${o.id}/refund`, body: { userId: o.userId, amountCents: o.priceCents } }));
        return { requestPayment };
      },
    },
  },
  event: {
    declare: (v) => ({
      routes: {
        // A choreography's saga is paid when billing hears OrderCreated on the order-status channel; it refunds on OrderCancelled.
        order: {
          OrderPlaced: { messages: [request(v)] },
          ...(orchestrated(v) ? { SagaCreated: { messages: [request(v)] }, RefundDue: { messages: ['RefundPayment'] } } : {}),
        },
        billing: { PaymentSettled: { messages: [eventName(v, 'PaymentCreated'), eventName(v, 'PaymentFailed')] } },
      },
      consumes: { billing: [request(v), ...(orchestrated(v) ? ['RefundPayment'] : [])], order: [eventName(v, 'PaymentCreated'), eventName(v, 'PaymentFailed')] },
      calls: v.events === 'thin' ? [{ from: 'billing', to: 'order', call: 'GET /orders/{id}' }] : [],
      explain: {
        order:
          (v.commands === 'rest' ? 'Order stores the order and answers 202 at once; the rest happens after, and you poll the order (or subscribe to it) to learn how it ended. ' : '') +
          (v.events === 'thin'
            ? `Order announces PaymentRequired with only the id; Billing calls Order back for the amount, then announces ${eventName(v, 'PaymentCreated')} or ${eventName(v, 'PaymentFailed')}.`
            : `Order announces CreatePayment with everything Billing needs; Billing answers with ${eventName(v, 'PaymentCreated')} or ${eventName(v, 'PaymentFailed')}.`),
      },
    }),
    sides: {
      async billing(w) {
        const style = w.variant.events;
        w.relay.route('PaymentSettled', (p: Payment) => events.paymentSettled(w.variant, p));
        await w.bus.subscribe([request(w.variant)], async (e, _delivery, trace) => {
          // A read (thin events): it changes nothing, so it needs no outbox; if order is away the delivery is nacked and redelivered.
          const charge = style === 'thin' ? await w.http.expect(trace, 'order', 'GET', `/orders/${e.orderId}`).then((o) => ({ paymentId: o.id, userId: o.userId, amountCents: o.priceCents })) : e;
          w.service.pay(trace, charge.paymentId, charge.userId, charge.amountCents);
        });
        if (!orchestrated(w.variant)) return;
        await w.bus.subscribe(['RefundPayment'], async (e: { paymentId: string; userId?: string; amountCents?: number }, _delivery, trace) => {
          const terms = e.userId ? { userId: e.userId, amountCents: e.amountCents! } : await orderOf(trace, w.http, { orderId: e.paymentId }).then((o) => ({ userId: o.userId, amountCents: o.priceCents }));
          w.service.refund(trace, e.paymentId, terms);
        });
      },
      async order(w) {
        const style = w.variant.events;
        for (const placed of orchestrated(w.variant) ? ['OrderPlaced', 'SagaCreated'] : ['OrderPlaced']) w.relay.route(placed, (order: Order) => events.paymentRequest(style, order));
        if (orchestrated(w.variant)) w.relay.route('RefundDue', (o: Order) => ({ type: 'RefundPayment', data: style === 'thin' ? { paymentId: o.id } : { paymentId: o.id, userId: o.userId, amountCents: o.priceCents } }));
        const succeeded = eventName(w.variant, 'PaymentCreated');
        await w.bus.subscribe([succeeded, eventName(w.variant, 'PaymentFailed')], async (e: PaymentSettled, delivery, trace) => {
          const outcome = delivery.type === succeeded ? { status: 'succeeded' as const } : { status: 'failed' as const, reason: e.reason };
          await w.flow.settle(trace, events.paymentIdOf(e), outcome);
        });
      },
    },
  },
};
