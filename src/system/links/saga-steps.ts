import { upstreamError } from '../../http/service-client.js';
import type { StepOutcome } from '../../services/ordering/order-flow.js';
import type { Order } from '../../services/ordering/ordering-service.js';
import type { OrderLine } from '../../services/stock/stock-service.js';
import type { Variant } from '../../variants/variant.js';
import type { ServiceClient } from '../../http/service-client.js';
import type { TraceContext } from '../../tracing/context.js';
import type { Link } from '../wiring.js';

/** A participant's REST answer to a saga step: 201 done, 422 refused with its reason, anything else an error the caller sees. */
function stepAnswer(to: string, answer: { status: number; body?: any }): StepOutcome {
  if (answer.status === 201) return { ok: true };
  if (answer.status === 422) return { ok: false, reason: answer.body?.message ?? `${to} refused` };
  throw upstreamError(to, answer);
}

/** What a thin saga event carries (the order's id: the consumer reads the rest back), or the whole step. */
const carried = (w: { variant: Pick<Variant, 'events'> }, full: Record<string, unknown> & { orderId: string }) => (w.variant.events === 'thin' ? { orderId: full.orderId } : full);

/** The order as a saga step's consumer needs it: from the event, or (thin events) read back from order (a read: no outbox). */
export const orderOf = async (trace: TraceContext | undefined, http: ServiceClient, e: { orderId: string }): Promise<Order> =>
  http.expect(trace, 'order', 'GET', `/orders/${e.orderId}`);

const thin = (v: Pick<Variant, 'events'>) => v.events === 'thin';

/** Order → Stock: reserving a paid saga's items; releasing them (compensation) and shipping them. */
export const reservation: Link<'rest' | 'event'> = {
  rest: {
    declare: () => ({
      calls: [{ from: 'order', to: 'stock', call: 'POST /reservations' }],
      ports: { order: ['requestReservation'] },
      routes: { order: { ReleaseDue: { to: 'stock', call: 'POST /reservations/{id}/release' }, ShipDue: { to: 'stock', call: 'POST /reservations/{id}/ship' } } },
      absorbs: { order: { StockWanted: 'the order service asks stock itself (POST /reservations)' }, stock: { ReservationMade: 'the answer to POST /reservations carries it' } },
      explain: { order: 'Once paid, Order asks Stock to reserve the items (POST /reservations) and waits for the answer.' },
    }),
    sides: {
      order(w) {
        // A question whose answer moves the saga, so made directly (as the payment): a call cut off leaves the saga paid for the recovery pass.
        const requestReservation = async (trace: TraceContext | undefined, order: Order) =>
          stepAnswer('stock', await w.http.call(trace, 'stock', 'POST', '/reservations', { orderId: order.id, lines: order.saga!.items }));
        w.relay.call('ReleaseDue', (o: Order) => ({ to: 'stock', method: 'POST', path: `/reservations/${o.id}/release` }));
        w.relay.call('ShipDue', (o: Order) => ({ to: 'stock', method: 'POST', path: `/reservations/${o.id}/ship` }));
        return { requestReservation };
      },
    },
  },
  event: {
    declare: (v) => ({
      routes: {
        order: { StockWanted: { messages: ['ReserveStock'] }, ReleaseDue: { messages: ['ReleaseStock'] }, ShipDue: { messages: ['ShipStock'] } },
        stock: { ReservationMade: { messages: ['StockReserved', 'StockRefused'] } },
      },
      consumes: { stock: ['ReserveStock', 'ReleaseStock', 'ShipStock'], order: ['StockReserved', 'StockRefused'] },
      calls: thin(v) ? [{ from: 'stock', to: 'order', call: 'GET /orders/{id}' }] : [],
      explain: { order: `Once paid, Order announces ReserveStock${thin(v) ? ' (just the id: Stock reads the order back)' : ''}; Stock answers StockReserved or StockRefused.` },
    }),
    sides: {
      async order(w) {
        w.relay.route('StockWanted', (o: Order) => ({ type: 'ReserveStock', data: carried(w, { orderId: o.id, lines: o.saga!.items }) }));
        w.relay.route('ReleaseDue', (o: Order) => ({ type: 'ReleaseStock', data: { orderId: o.id } }));
        w.relay.route('ShipDue', (o: Order) => ({ type: 'ShipStock', data: { orderId: o.id } }));
        await w.bus.subscribe(['StockReserved', 'StockRefused'], async (e: { orderId: string; reason?: string }, delivery, trace) => {
          await w.flow.advance(trace, e.orderId, delivery.type === 'StockReserved' ? 'stock reserved' : 'reservation failed', e.reason);
        });
      },
      async stock(w) {
        w.relay.route('ReservationMade', (r: { orderId: string } & StepOutcome) => ({ type: r.ok ? 'StockReserved' : 'StockRefused', data: r.ok ? { orderId: r.orderId } : { orderId: r.orderId, reason: r.reason } }));
        await w.bus.subscribe(['ReserveStock', 'ReleaseStock', 'ShipStock'], async (e: { orderId: string; lines?: OrderLine[] }, delivery, trace) => {
          const stock = w.service;
          if (delivery.type === 'ReleaseStock') return void stock.release(trace, e.orderId);
          if (delivery.type === 'ShipStock') return void stock.ship(trace, e.orderId);
          stock.reserve(trace, e.orderId, e.lines ?? (await orderOf(trace, w.http, e)).saga!.items);
        });
      },
    },
  },
};

/** Order ⇄ Delivery: handing a reserved saga to a courier, the return delivery (compensation), the customer's receipt; Delivery → Stock: goods back on the shelf. */
export const dispatch: Link<'rest' | 'event'> = {
  rest: {
    declare: () => ({
      calls: [{ from: 'order', to: 'delivery', call: 'POST /deliveries' }],
      ports: { order: ['requestDelivery'] },
      routes: {
        order: { ReturnDue: { to: 'delivery', call: 'POST /deliveries/{id}/return' }, ReceiptConfirmed: { to: 'delivery', call: 'POST /deliveries/{id}/received' } },
        delivery: { GoodsReturned: { to: 'stock', call: 'POST /reservations/{id}/restock' } },
      },
      absorbs: { order: { DeliveryWanted: 'the order service asks delivery itself (POST /deliveries)' }, delivery: { DeliveryMade: 'the answer to POST /deliveries carries it' } },
      explain: { order: 'Once reserved, Order asks Delivery for a courier (POST /deliveries) and waits for the answer.' },
    }),
    sides: {
      order(w) {
        const requestDelivery = async (trace: TraceContext | undefined, order: Order) =>
          stepAnswer('delivery', await w.http.call(trace, 'delivery', 'POST', '/deliveries', { orderId: order.id, address: order.saga!.address }));
        w.relay.call('ReturnDue', (o: Order) => ({ to: 'delivery', method: 'POST', path: `/deliveries/${o.id}/return` }));
        w.relay.call('ReceiptConfirmed', (o: Order) => ({ to: 'delivery', method: 'POST', path: `/deliveries/${o.id}/received` }));
        return { requestDelivery };
      },
      delivery(w) {
        w.relay.call('GoodsReturned', ({ orderId }: { orderId: string }) => ({ to: 'stock', method: 'POST', path: `/reservations/${orderId}/restock` }));
      },
    },
  },
  event: {
    declare: (v) => ({
      routes: {
        order: { DeliveryWanted: { messages: ['StartDelivery'] }, ReturnDue: { messages: ['ReturnDelivery'] }, ReceiptConfirmed: { messages: ['ReceiptConfirmed'] } },
        delivery: { DeliveryMade: { messages: ['DeliveryStarted', 'DeliveryRefused'] }, GoodsReturned: { messages: ['DeliveryReturned'] } },
      },
      consumes: { delivery: ['StartDelivery', 'ReturnDelivery', 'ReceiptConfirmed'], order: ['DeliveryStarted', 'DeliveryRefused'], stock: ['DeliveryReturned'] },
      calls: thin(v) ? [{ from: 'delivery', to: 'order', call: 'GET /orders/{id}' }] : [],
      explain: { order: `Once reserved, Order announces StartDelivery${thin(v) ? ' (just the id: Delivery reads the order back)' : ''}; Delivery answers DeliveryStarted or DeliveryRefused.` },
    }),
    sides: {
      async order(w) {
        w.relay.route('DeliveryWanted', (o: Order) => ({ type: 'StartDelivery', data: carried(w, { orderId: o.id, address: o.saga!.address }) }));
        w.relay.route('ReturnDue', (o: Order) => ({ type: 'ReturnDelivery', data: { orderId: o.id } }));
        w.relay.route('ReceiptConfirmed', (o: Order) => ({ type: 'ReceiptConfirmed', data: { orderId: o.id } }));
        const moves = { DeliveryStarted: 'handed to delivery', DeliveryRefused: 'delivery failed' } as const;
        await w.bus.subscribe(Object.keys(moves), async (e: { orderId: string; reason?: string }, delivery, trace) => {
          await w.flow.advance(trace, e.orderId, moves[delivery.type as keyof typeof moves], e.reason);
        });
      },
      async delivery(w) {
        w.relay.route('DeliveryMade', (d: { orderId: string } & StepOutcome) => ({ type: d.ok ? 'DeliveryStarted' : 'DeliveryRefused', data: d.ok ? { orderId: d.orderId } : { orderId: d.orderId, reason: d.reason } }));
        w.relay.route('GoodsReturned', (d: { orderId: string }) => ({ type: 'DeliveryReturned', data: d }));
        await w.bus.subscribe(['StartDelivery', 'ReturnDelivery', 'ReceiptConfirmed'], async (e: { orderId: string; address?: { city: string; street: string } }, delivery, trace) => {
          if (delivery.type === 'ReturnDelivery') return void w.service.bringBack(trace, e.orderId);
          if (delivery.type === 'ReceiptConfirmed') return void w.service.received(trace, e.orderId);
          w.service.start(trace, e.orderId, e.address ?? (await orderOf(trace, w.http, e)).saga!.address);
        });
      },
      async stock(w) {
        await w.bus.subscribe(['DeliveryReturned'], (e: { orderId: string }, _delivery, trace) => void w.service.restock(trace, e.orderId));
      },
    },
  },
};
