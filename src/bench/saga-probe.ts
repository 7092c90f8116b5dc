import type { ApiClient } from '../scenarios/api-client.js';
import type { RunningSystem } from '../system/boot.js';
import type { Hop } from '../tracing/recorder.js';
import type { Percentiles } from './bench-protocol.js';
import { percentilesOf } from './percentiles.js';

/** How a saga went, from the recording: from the POST reaching the gateway to the order service's move, and the hops on the way. */
export interface SagaPath {
  ms: Percentiles;
  /** HTTP exchanges (the client's included) and messages put on the broker until that move, per saga (median). */
  http: number;
  messages: number;
}

/** The saga probe of one run: sagas handed to delivery, and sagas cancelled because delivery refused the address. */
export interface SagaProbe {
  /** Sagas of each kind the probe placed, one at a time, after the load. */
  sagas: number;
  toDelivering: SagaPath;
  toCancelled: SagaPath;
}

/** The item the probe orders: its own, so the stock check sees only its sagas. */
export const PROBE_ITEM = { sku: 'bench-saga-probe', name: 'What the bench saga probe orders', available: 1_000_000 };
const ADDRESSES = { toDelivering: { city: 'Paris', street: '1 rue de Rivoli' }, toCancelled: { city: 'Atlantis', street: 'under the sea' } };
const MOVE = { toDelivering: '→ delivering', toCancelled: '→ cancelled' };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** The time and hops of one saga's trace up to the move whose note ends with `move`; undefined when the recording has no such move. */
function pathOf(trace: Hop[], move: string): { ms: number; http: number; messages: number } | undefined {
  const root = trace.find((h) => h.kind === 'http' && h.from === 'Client');
  const reached = trace.find((h) => h.kind === 'local' && h.from === 'order' && h.label.endsWith(move));
  if (!root || !reached) return undefined;
  const before = trace.filter((h) => h.start <= reached.end);
  return { ms: reached.end - root.start, http: before.filter((h) => h.kind === 'http').length, messages: before.filter((h) => h.kind === 'publish').length };
}

/**
 * After the load, one customer places `count` sagas that reach delivery and `count` that delivery
 * refuses (a city outside the zones: cancelled, refunded, released), one at a time, each waited for
 * until it rests (and the delivered ones received, so they end done); the timings and hops come from
 * the recording, so polling does not blur them.
 */
export async function probeSagas(system: RunningSystem, api: ApiClient, token: string, count: number): Promise<SagaProbe> {
  const added = await fetch(`${system.urls.stock}/items`, { method: 'POST', headers: { 'content-type': 'application/json', ...system.operatorHeaders('stock') }, body: JSON.stringify([PROBE_ITEM]) });
  if (added.status !== 201) throw new Error(`the saga probe could not add its item (${added.status})`);
  const traces: Record<keyof typeof MOVE, string[]> = { toDelivering: [], toCancelled: [] };
  for (let i = 0; i < count; i++) {
    for (const kind of Object.keys(MOVE) as (keyof typeof MOVE)[]) {
      const placed = await api.send('saga', 'POST', '/ordering/orders', { token, body: { price: 0.01, items: [{ sku: PROBE_ITEM.sku, quantity: 1 }], address: ADDRESSES[kind] } });
      const id = placed.body?.id ?? placed.body?.order?.id;
      if (!id) throw new Error(`the saga probe's order was answered ${placed.status}: ${JSON.stringify(placed.body)}`);
      const rests = kind === 'toDelivering' ? 'delivering' : 'cancelled';
      for (let reads = 0; ; reads++) {
        const read = await api.send('saga', 'GET', `/ordering/orders/${id}`, { token });
        if (read.body?.status === rests) break;
        if (reads > 3_000) throw new Error(`the saga probe's order ${id} is still ${read.body?.status}, not ${rests}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      traces[kind].push(placed.traceId);
      // The customer confirms receipt: the saga ends done, as every saga must end.
      if (kind === 'toDelivering') {
        const received = await api.send('saga', 'POST', `/delivery/orders/${id}/received`, { token });
        if (received.status !== 204) throw new Error(`the saga probe's receipt for ${id} was answered ${received.status}`);
      }
    }
  }
  await system.settle(10_000);
  const path = (kind: keyof typeof MOVE): SagaPath => {
    const found = traces[kind].map((t) => pathOf(system.recorder.trace(t), MOVE[kind])).filter((p) => p !== undefined);
    return { ms: percentilesOf(found.map((p) => p.ms)), http: median(found.map((p) => p.http)), messages: median(found.map((p) => p.messages)) };
  };
  return { sagas: count, toDelivering: path('toDelivering'), toCancelled: path('toCancelled') };
}
