import type { Address } from '../../services/delivery/delivery-service.js';
import { HAPPY_PATH, type SagaState } from '../../services/ordering/order-saga.js';
import type { Order } from '../../services/ordering/ordering-service.js';
import type { OrderLine } from '../../services/stock/stock-service.js';
import { eventName, ORDER_STATUS_CHANNEL } from '../../variants/variant.js';
import type { Store } from '../../storage/store.js';
import type { Link } from '../wiring.js';

/** What every message of the order-status channel carries: the order as far as the saga needs it (events carry the state). */
interface StatusMessage {
  orderId: string;
  userId: string;
  priceCents: number;
  items: OrderLine[];
  address: Address;
  /** On OrderCancelled: why, and which step cancelled it (payment, reservation, delivery, or the customer). */
  reason?: string;
  step?: 'payment' | 'reservation' | 'delivery' | 'customer';
}

const CHANNEL = Object.values(ORDER_STATUS_CHANNEL);
const STATE_OF = Object.fromEntries(Object.entries(ORDER_STATUS_CHANNEL).map(([state, type]) => [type, state])) as Record<string, SagaState>;

const messageOf = (o: Order): StatusMessage => ({ orderId: o.id, userId: o.userId, priceCents: o.priceCents, items: o.saga!.items, address: o.saga!.address });

/** Puts the next status on the channel, in the write of the step that made it (with the delivery's inbox record). */
function announce(store: Store, m: StatusMessage, outcome: { ok: true } | { ok: false; reason: string }, next: SagaState, step: StatusMessage['step']): void {
  const { reason: _r, step: _s, ...order } = m;
  store.send(outcome.ok ? ORDER_STATUS_CHANNEL[next] : ORDER_STATUS_CHANNEL.cancelled, outcome.ok ? order : { ...order, reason: outcome.reason, step }, { aggregate: m.orderId });
}

/** How far along the way forward a status is (created 0 … done 4). */
const rank = (state: SagaState) => (state === 'created' ? 0 : HAPPY_PATH.findIndex((p) => p.state === state) + 1);

/**
 * The saga with no orchestrator: every service publishes its status changes to one order-status
 * channel and listens on it. Billing charges on OrderCreated, Stock reserves on OrderPaid, Delivery
 * takes OrderReserved; a refusal is an OrderCancelled, and on OrderCancelled each service undoes its
 * own part (Billing refunds, Stock releases, Delivery brings the goods back, Stock restocks them).
 * Order only records what it hears, in order, and announces what the customer does.
 */
export const saga: Link<'orchestration' | 'choreography'> = {
  orchestration: {
    declare: () => ({ absorbs: { order: { CustomerCancelled: 'the order service raises each compensation itself' } } }),
    sides: {},
  },
  choreography: {
    declare: (v) => {
      const c = ORDER_STATUS_CHANNEL;
      const channel = 'each service reacts to the order-status channel';
      const refuses = [
        ...(v.events === 'thin' ? [{ field: 'saga', reason: 'a choreography has no driver to ask: its events must carry the order (events: full)' }] : []),
        ...(v.links.payment !== 'event' ? [{ field: 'links.payment', reason: 'in a choreography billing charges when it hears OrderCreated, so payments are events (links.payment: event)' }] : []),
        ...(v.links.reservation || v.links.dispatch ? [{ field: `links.${v.links.reservation ? 'reservation' : 'dispatch'}`, reason: 'a choreography has no saga links: each service reacts to the order-status channel' }] : []),
        ...(eventName(v, 'OrderCreated') === c.created ? [{ field: 'names.OrderCreated', reason: 'the order-status channel opens with OrderCreated: give the outcome event another name (e.g. OrderCompleted)' }] : []),
      ];
      return {
        refuses,
        routes: {
          order: { SagaCreated: { messages: [c.created] }, CustomerCancelled: { messages: [c.cancelled] }, ReceiptConfirmed: { messages: [c.done] } },
          delivery: { GoodsReturned: { messages: ['DeliveryReturned'] } },
        },
        absorbs: {
          order: Object.fromEntries(['StockWanted', 'DeliveryWanted', 'ShipDue', 'RefundDue', 'ReleaseDue', 'ReturnDue'].map((e) => [e, channel])),
          stock: { ReservationMade: 'stock announces OrderReserved or OrderCancelled itself' },
          delivery: { DeliveryMade: 'delivery announces OrderDelivering or OrderCancelled itself' },
        },
        sends: { billing: [c.paid, c.cancelled], stock: [c.reserved, c.cancelled], delivery: [c.delivering, c.cancelled] },
        consumes: { order: CHANNEL, billing: [c.created, c.cancelled], stock: [c.paid, c.delivering, c.cancelled, 'DeliveryReturned'], delivery: [c.reserved, c.done, c.cancelled] },
        explain: { order: 'The saga has no driver: Billing charges when it hears OrderCreated, Stock reserves on OrderPaid, Delivery takes OrderReserved; on OrderCancelled each undoes its own part.' },
      };
    },
    sides: {
    async order(w) {
      w.relay.route('SagaCreated', (o: Order) => ({ type: ORDER_STATUS_CHANNEL.created, data: messageOf(o) }));
      w.relay.route('ReceiptConfirmed', (o: Order) => ({ type: ORDER_STATUS_CHANNEL.done, data: messageOf(o) }));
      w.relay.route('CustomerCancelled', (o: Order) => ({ type: ORDER_STATUS_CHANNEL.cancelled, data: { ...messageOf(o), reason: o.reason ?? 'cancelled by the customer', step: 'customer' } }));
      await w.bus.subscribe(CHANNEL, async (m: StatusMessage, delivery, trace) => {
        const flow = w.flow;
        const heard = STATE_OF[delivery.type];
        if (heard === 'created' || m.step === 'customer') return;
        if (heard !== 'cancelled') {
          // Statuses from different services may arrive out of order: every step up to the one heard is recorded, in order.
          await flow.settle(trace, m.orderId, { status: 'succeeded' });
          await flow.reach(trace, m.orderId, HAPPY_PATH.slice(1, rank(heard)).map((p) => p.on));
          return;
        }
        if (m.step === 'payment') return void (await flow.settle(trace, m.orderId, { status: 'failed', reason: m.reason }));
        await flow.settle(trace, m.orderId, { status: 'succeeded' });
        const upTo = m.step === 'reservation' ? 1 : 2;
        await flow.reach(trace, m.orderId, HAPPY_PATH.slice(1, upTo).map((p) => p.on));
        await flow.advance(trace, m.orderId, m.step === 'reservation' ? 'reservation failed' : 'delivery failed', m.reason);
      });
    },
    async billing(w) {
      await w.bus.subscribe([ORDER_STATUS_CHANNEL.created, ORDER_STATUS_CHANNEL.cancelled], (m: StatusMessage, delivery, trace) => {
        const billing = w.service;
        if (delivery.type === ORDER_STATUS_CHANNEL.cancelled) return void billing.refund(trace, m.orderId, { userId: m.userId, amountCents: m.priceCents });
        w.store.write(trace, () => {
          const payment = billing.pay(trace, m.orderId, m.userId, m.priceCents, false);
          announce(w.store, m, payment.status === 'succeeded' ? { ok: true } : { ok: false, reason: payment.reason ?? 'payment declined' }, 'paid', 'payment');
        });
      });
    },
    async stock(w) {
      await w.bus.subscribe([ORDER_STATUS_CHANNEL.paid, ORDER_STATUS_CHANNEL.delivering, ORDER_STATUS_CHANNEL.cancelled, 'DeliveryReturned'], (m: StatusMessage, delivery, trace) => {
        const stock = w.service;
        if (delivery.type === ORDER_STATUS_CHANNEL.delivering) return void stock.ship(trace, m.orderId);
        if (delivery.type === ORDER_STATUS_CHANNEL.cancelled) return void stock.release(trace, m.orderId);
        if (delivery.type === 'DeliveryReturned') return void stock.restock(trace, m.orderId);
        w.store.write(trace, () => announce(w.store, m, stock.reserve(trace, m.orderId, m.items), 'reserved', 'reservation'));
      });
    },
    async delivery(w) {
      w.relay.route('GoodsReturned', (d: { orderId: string }) => ({ type: 'DeliveryReturned', data: d }));
      await w.bus.subscribe([ORDER_STATUS_CHANNEL.reserved, ORDER_STATUS_CHANNEL.done, ORDER_STATUS_CHANNEL.cancelled], (m: StatusMessage, delivery, trace) => {
        const deliveries = w.service;
        if (delivery.type === ORDER_STATUS_CHANNEL.cancelled) return void deliveries.bringBack(trace, m.orderId);
        if (delivery.type === ORDER_STATUS_CHANNEL.done) return void deliveries.received(trace, m.orderId);
        w.store.write(trace, () => announce(w.store, m, deliveries.start(trace, m.orderId, m.address), 'delivering', 'delivery'));
      });
    },
    },
  },
};
