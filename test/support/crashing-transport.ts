import type { Transport } from '../../src/broker/transport.js';
import { forwarding } from './forwarding-transport.js';

/**
 * A transport on which every consumer "crashes" once per message right after its handler committed:
 * the handler's work is done, but the broker never hears the ack and delivers the message again.
 * `crashes()` counts them.
 */
export function crashingAfterCommit(inner: Transport): Transport & { crashes(): number } {
  const crashed = new Set<string>();
  const transport = forwarding(inner, {
    kind: `${inner.kind}, every handler crashed once after its commit`,
    subscribe: (group, types, handler, options) =>
      inner.subscribe(
        group,
        types,
        async (delivery) => {
          await handler(delivery);
          const key = `${group}\u0000${delivery.id}`;
          if (crashed.has(key)) return;
          crashed.add(key);
          throw new Error('crashed after its commit, before the ack');
        },
        options,
      ),
  });
  return Object.assign(transport, { crashes: () => crashed.size });
}
