import type { Handler, Message, Transport } from '../../src/broker/transport.js';
import { forwarding } from './forwarding-transport.js';

/**
 * A transport on which every message is delivered at least twice (same id): at-least-once at its worst.
 * The copy is put on the broker when the message is first delivered, as a broker redelivers: after the
 * original was sent, so a request's reply queue is bound by then, as it is for any real redelivery.
 */
export function duplicating(inner: Transport): Transport {
  const copied = new Set<string>();
  const copy = async ({ attempt: _attempt, ...message }: Message & { attempt: number }) => {
    if (copied.has(message.id)) return;
    copied.add(message.id);
    await inner.publish(message);
  };
  return forwarding(inner, {
    kind: `${inner.kind}, every message twice`,
    subscribe: (group, types, handler: Handler, options) =>
      inner.subscribe(
        group,
        types,
        async (delivery) => {
          await copy(delivery);
          await handler(delivery);
        },
        options,
      ),
  });
}
