import type { Hop } from '../tracing/recorder.js';

const PLACE_ORDER = 'POST /api/v1/ordering/orders';

/** Per order placed since `since` (but those of the traces in `leaveOut`), from the recording: HTTP requests and messages, on average over the orders it still holds. */
export function orderHops(hops: Hop[], since: number, leaveOut: ReadonlySet<string> = new Set()) {
  const traces = new Map<string, Hop[]>();
  for (const hop of hops) if (!leaveOut.has(hop.traceId)) traces.set(hop.traceId, [...(traces.get(hop.traceId) ?? []), hop]);
  let http = 0;
  let messages = 0;
  let orders = 0;
  for (const trace of traces.values()) {
    const root = trace.find((h) => h.kind === 'http' && h.from === 'Client' && h.label === PLACE_ORDER);
    if (!root || root.start < since) continue;
    orders++;
    http += trace.filter((h) => h.kind === 'http').length;
    messages += trace.filter((h) => h.kind === 'publish').length;
  }
  return {
    httpPerOrder: orders ? Math.round((http / orders) * 100) / 100 : 0,
    messagesPerOrder: orders ? Math.round((messages / orders) * 100) / 100 : 0,
  };
}
