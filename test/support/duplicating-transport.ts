import type { Message, Transport } from '../../src/broker/transport.js';

/** A transport that puts every message on the broker twice (same id): at-least-once at its worst. */
export function duplicating(inner: Transport): Transport {
  return {
    kind: `${inner.kind}, every message twice`,
    publish: async (message: Message) => {
      await inner.publish(message);
      await inner.publish(message);
    },
    subscribe: (...args) => inner.subscribe(...args),
    request: async (message, options) => {
      const reply = inner.request(message, options);
      await inner.publish(message);
      return reply;
    },
    parked: (group) => inner.parked(group),
    pending: () => inner.pending(),
    close: () => inner.close(),
  };
}
