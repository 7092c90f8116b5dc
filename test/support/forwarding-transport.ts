import type { Transport } from '../../src/broker/transport.js';

/** A transport that hands every call to `inner` but those in `overrides`: how the tests bend a real broker (never a mock of one). */
export function forwarding(inner: Transport, overrides: Partial<Transport> & { kind?: string } = {}): Transport {
  return {
    kind: inner.kind,
    publish: (message) => inner.publish(message),
    subscribe: (...args) => inner.subscribe(...args),
    request: (message, options) => inner.request(message, options),
    parked: (group) => inner.parked(group),
    replay: (group, ids) => inner.replay(group, ids),
    groups: () => inner.groups(),
    pending: () => inner.pending(),
    watch: inner.watch && ((listener) => inner.watch!(listener)),
    close: () => inner.close(),
    ...overrides,
  };
}
