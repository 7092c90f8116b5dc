import { eventName } from '../../variants/variant.js';
import type { OrderSettled } from '../events.js';
import type { Link } from '../wiring.js';

/** Order → Gateway: telling a client who subscribed to its order the moment the outcome is known. */
export const push: Link<'none' | 'sse'> = {
  none: {},
  sse: {
    async gateway(w) {
      // The gateway's push service consumes the outcome events; each subscriber then reads the order
      // once (a read: it changes nothing, so it needs no inbox record).
      await w.bus.gateway.subscribe([eventName(w.variant, 'OrderCreated'), eventName(w.variant, 'OrderFailed')], async (e: OrderSettled) => {
        w.ports.push.settled(e.orderId);
      });
    },
  },
};
