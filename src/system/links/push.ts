import type { OrderSettled } from '../events.js';
import type { Link } from '../wiring.js';
import { outcomeEvents } from './order-outcome.js';

/** Order → Gateway: telling a client who subscribed to its order the moment the outcome is known. */
export const push: Link<'none' | 'sse'> = {
  none: { declare: () => ({}), sides: {} },
  sse: {
    declare: (v) => ({
      consumes: { gateway: outcomeEvents(v) },
      explain: { order: 'You may subscribe to the order (server-sent events) and are told its final status the moment the gateway consumes the outcome.' },
    }),
    sides: {
      async gateway(w) {
        // The gateway's push service consumes the outcome events; each subscriber then reads the order
        // once (a read: it changes nothing, so it needs no inbox record).
        await w.bus.gateway.subscribe(outcomeEvents(w.variant), async (e: OrderSettled) => {
          w.ports.push.settled(e.orderId);
        });
      },
    },
  },
};
