import type { OrderSettled } from '../events.js';
import { answersOrdersLater } from '../../variants/variant.js';
import type { Link } from '../wiring.js';
import { outcomeEvents } from './order-outcome.js';

/** Order → Gateway: telling a client who subscribed to its order the moment the outcome is known. */
export const push: Link<'none' | 'sse'> = {
  none: { declare: () => ({}), sides: {} },
  sse: {
    declare: (v) => ({
      refuses:
        answersOrdersLater(v) && v.links.orderOutcome === 'event'
          ? []
          : [{ field: 'push', reason: 'push tells a client an outcome it was not given at once: it needs orders answered later (commands: rest, links.payment: event) and their outcome as an event (links.orderOutcome: event)' }],
      consumes: { gateway: outcomeEvents(v) },
      explain: { order: 'You may subscribe to the order (server-sent events) and are told its final status the moment the gateway consumes the outcome.' },
    }),
    sides: {
      async gateway(w) {
        // The gateway's push service consumes the outcome events; each subscriber then reads the order
        // once (a read: it changes nothing, so it needs no inbox record).
        await w.bus.subscribe(outcomeEvents(w.variant), async (e: OrderSettled) => {
          w.service.settled(e.orderId);
        });
      },
    },
  },
};
