import type { Hop } from '../tracing/recorder.js';

/** A hop that undoes a step of the order saga: a REST call or a broker message, and what the diagram calls it. */
export interface CompensationHop {
  via: 'rest' | 'broker';
  /** `POST /payments/{id}/refund` as the hop is labelled (ids as `{id}`), or a message type. */
  hop: string;
  /** What its note says it undoes: `refund`, `release`, `return`, `cancellation broadcast`. */
  kind: string;
  /** Only when the message reaches a service with a step to undo (the choreography's broadcast, not an outcome event). */
  broadcast?: true;
}

/** The hops every sequence diagram sets apart as compensations. */
export const COMPENSATIONS: readonly CompensationHop[] = [
  { via: 'rest', hop: 'POST /payments/{id}/refund', kind: 'refund' },
  { via: 'rest', hop: 'POST /reservations/{id}/release', kind: 'release' },
  { via: 'rest', hop: 'POST /deliveries/{id}/return', kind: 'return' },
  { via: 'rest', hop: 'POST /reservations/{id}/restock', kind: 'return' },
  { via: 'broker', hop: 'RefundPayment', kind: 'refund' },
  { via: 'broker', hop: 'PaymentRefunded', kind: 'refund' },
  { via: 'broker', hop: 'ReleaseStock', kind: 'release' },
  { via: 'broker', hop: 'StockReleased', kind: 'release' },
  { via: 'broker', hop: 'ReturnDelivery', kind: 'return' },
  { via: 'broker', hop: 'DeliveryReturned', kind: 'return' },
  { via: 'broker', hop: 'OrderCancelled', kind: 'cancellation broadcast', broadcast: true },
];

/** The services that hold a step of the saga: a broadcast reaching one of them makes it undo its step. */
const UNDOERS = new Set(['billing', 'stock', 'delivery']);

/**
 * What each hop of a trace undoes, by span id: a listed hop its own kind; a local change made within a
 * compensation, and any hop made while a compensating REST call waits for its answer, the kind of that compensation.
 */
export function compensationKinds(hops: Hop[]): Map<string, string> {
  const byId = new Map(hops.map((h) => [h.spanId, h]));
  const consumers = new Map<string, Hop[]>();
  for (const h of hops) if (h.kind === 'consume' && h.parentSpanId) consumers.set(h.parentSpanId, [...(consumers.get(h.parentSpanId) ?? []), h]);

  const listed = (hop: Hop): string | undefined => {
    const via = hop.kind === 'http' ? 'rest' : hop.kind === 'publish' || hop.kind === 'consume' ? 'broker' : undefined;
    const entry = COMPENSATIONS.find((c) => c.via === via && c.hop === hop.label);
    if (!entry?.broadcast) return entry?.kind;
    const publish = hop.kind === 'publish' ? hop : byId.get(hop.parentSpanId ?? '');
    const reached = publish?.kind === 'publish' ? (consumers.get(publish.spanId) ?? []).map((c) => c.to) : [hop.to];
    return reached.some((to) => UNDOERS.has(to)) ? entry.kind : undefined;
  };

  const kinds = new Map<string, string>();
  const seen = new Set<string>();
  const kindOf = (hop: Hop): string | undefined => {
    if (seen.has(hop.spanId)) return kinds.get(hop.spanId);
    seen.add(hop.spanId);
    const parent = hop.parentSpanId ? byId.get(hop.parentSpanId) : undefined;
    const inherited = parent && (hop.kind === 'local' || parent.kind === 'http') ? kindOf(parent) : undefined;
    const kind = listed(hop) ?? inherited;
    if (kind) kinds.set(hop.spanId, kind);
    return kind;
  };
  for (const hop of hops) kindOf(hop);
  return kinds;
}
