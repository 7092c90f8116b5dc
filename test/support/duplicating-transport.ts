import type { Message, Transport } from '../../src/broker/transport.js';
import { forwarding } from './forwarding-transport.js';

/** A transport that puts every message on the broker twice (same id): at-least-once at its worst. */
export function duplicating(inner: Transport): Transport {
  return forwarding(inner, {
    kind: `${inner.kind}, every message twice`,
    publish: async (message: Message) => {
      await inner.publish(message);
      await inner.publish(message);
    },
    request: async (message, options) => {
      const reply = inner.request(message, options);
      await inner.publish(message);
      return reply;
    },
  });
}
