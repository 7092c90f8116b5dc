import type { Hop } from '../tracing/recorder.js';
import { percentilesOf as percentiles } from './percentiles.js';

const PLACE_ORDER = 'POST /api/v1/ordering/orders';

/** Per order placed since `since` (but those of the traces in `leaveOut`): when it became final and when its notification was stored, from the recording. */
export function orderTimings(hops: Hop[], since: number, leaveOut: ReadonlySet<string> = new Set()) {
  const traces = new Map<string, Hop[]>();
  for (const hop of hops) if (!leaveOut.has(hop.traceId)) traces.set(hop.traceId, [...(traces.get(hop.traceId) ?? []), hop]);
  const toFinal: number[] = [];
  const toNotification: number[] = [];
  let http = 0;
  let messages = 0;
  let orders = 0;
  let lastFinal = since;
  for (const trace of traces.values()) {
    const root = trace.find((h) => h.kind === 'http' && h.from === 'Client' && h.label === PLACE_ORDER);
    if (!root || root.start < since) continue;
    orders++;
    http += trace.filter((h) => h.kind === 'http').length;
    messages += trace.filter((h) => h.kind === 'publish').length;
    const final = trace.find((h) => h.kind === 'local' && h.label.startsWith('order pending →'));
    const notified = trace.find((h) => h.kind === 'local' && h.label.startsWith('notification stored'));
    if (final) {
      toFinal.push(final.end - root.start);
      lastFinal = Math.max(lastFinal, final.end);
    }
    if (notified) toNotification.push(notified.end - root.start);
  }
  return {
    completed: toFinal.length,
    completedPerSecond: toFinal.length / Math.max(0.001, (lastFinal - since) / 1000),
    toFinalMs: percentiles(toFinal),
    toNotificationMs: percentiles(toNotification),
    httpPerOrder: orders ? Math.round((http / orders) * 100) / 100 : 0,
    messagesPerOrder: orders ? Math.round((messages / orders) * 100) / 100 : 0,
  };
}
