import type { Delivery, Handler, Transport } from '../../src/broker/transport.js';
import { forwarding } from './forwarding-transport.js';

/** Which deliveries to hold back, in one consumer group, until which others of the same order were handled. */
export interface Reorder {
  /** The consumer groups of this service (`delivery.…`). */
  service: string;
  /** Message types held back when they arrive… */
  hold: string[];
  /** …until a message of one of these types, for the same order, has been handled by that group. */
  until: string[];
}

const orderOf = (d: Delivery) => (d.data as { orderId?: string; paymentId?: string }).orderId ?? (d.data as { paymentId?: string }).paymentId;

/**
 * A transport that makes a consumer see messages from different publishers in the order a test
 * chooses, whatever the timing: a held delivery is acknowledged to the broker at once (so the queue
 * moves on) and handed to the consumer right after the message it waits for was handled. The broker
 * underneath is real; only the order in which one consumer sees two messages is chosen. `held` counts
 * what was held back, so a test can assert the reordering happened.
 */
export function reordering(inner: Transport, rule: Reorder): Transport & { held: () => number } {
  let held = 0;
  const waiting = new Map<string, { delivery: Delivery; handler: Handler }[]>();
  const released = new Set<string>();
  const transport = forwarding(inner, {
    kind: `${inner.kind}, reordered`,
    subscribe: (group, types, handler, options) =>
      inner.subscribe(
        group,
        types,
        async (delivery) => {
          const order = orderOf(delivery);
          if (!group.startsWith(`${rule.service}.`) || !order) return handler(delivery);
          if (rule.hold.includes(delivery.type) && !released.has(order)) {
            held++;
            waiting.set(order, [...(waiting.get(order) ?? []), { delivery, handler }]);
            return;
          }
          await handler(delivery);
          if (rule.until.includes(delivery.type)) {
            released.add(order);
            for (const late of waiting.get(order) ?? []) await late.handler(late.delivery);
            waiting.delete(order);
          }
        },
        options,
      ),
  });
  return Object.assign(transport, { held: () => held });
}
