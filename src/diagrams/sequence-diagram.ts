import type { Hop } from '../tracing/recorder.js';
import { compensationKinds } from './compensations.js';
import { renderItems, setApartCompensations, type DiagramItem } from './diagram-blocks.js';

/** Participants in the order every diagram shows them (only those that take part appear). */
export const PARTICIPANTS: readonly (readonly [id: string, name: string])[] = [
  ['Client', 'Client'],
  ['gateway', 'Gateway'],
  ['identity', 'Identity'],
  ['billing', 'Billing'],
  ['order', 'Order'],
  ['notification', 'Notification'],
  ['stock', 'Stock'],
  ['delivery', 'Delivery'],
  ['Broker', 'Broker'],
];

/** How to draw. */
export interface DiagramOptions {
  /** Adds each hop's duration to its arrow (the text is then no longer the same from run to run). */
  timings?: boolean;
}

type Lines = DiagramItem[];

const rank = (participant: string) => {
  const i = PARTICIPANTS.findIndex(([id]) => id === participant);
  return i < 0 ? PARTICIPANTS.length : i;
};
const KIND_ORDER = { http: 0, local: 1, publish: 2, consume: 3 } as const;
const text = (s: string) => s.replace(/[;#]/g, ',');
const ms = (hop: Hop) => ` · ${(hop.end - hop.start).toFixed(1)} ms`;

/**
 * Draws the hops one client action caused as a Mermaid sequence diagram. HTTP calls are solid
 * arrows answered by dotted ones with the status; messages go through the Broker as async arrows;
 * local state changes are notes; what runs concurrently is a `par` block; compensations (see
 * `COMPENSATIONS`) are set apart in a coloured `rect` with a note saying what they undo. The same hops
 * always give the same text, whatever their timing, unless `timings` asks for durations.
 */
export function sequenceDiagram(hops: Hop[], options: DiagramOptions = {}): string {
  const spans = new Set(hops.map((h) => h.spanId));
  const children = new Map<string | undefined, Hop[]>();
  for (const hop of hops) {
    const parent = hop.parentSpanId && spans.has(hop.parentSpanId) ? hop.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), hop]);
  }
  for (const list of children.values()) {
    list.sort((a, b) => a.start - b.start || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || rank(a.to) - rank(b.to) || a.label.localeCompare(b.label));
  }
  const resumedBy = new Map(hops.filter((h) => h.resumes).map((h) => [h.resumes!, h.spanId]));
  const continuations = new Map<string, Lines>();
  const timing = (hop: Hop) => (options.timings ? ms(hop) : '');
  const undo = compensationKinds(hops);
  const line = (hop: Hop, text: string): DiagramItem => ({ line: text, over: [hop.from, hop.to], undo: undo.get(hop.spanId) });

  const par = (branches: Lines[]): Lines => {
    const filled = branches.filter((b) => b.length > 0);
    if (filled.length <= 1) return filled[0] ?? [];
    return [{ par: filled }];
  };

  const list = (items: Hop[], k: Lines): Lines => {
    if (items.length === 0) return k;
    const [hop, ...rest] = items;
    if (hop.kind !== 'publish') return one(hop, list(rest, k));
    const publish = line(hop, `${hop.from}-)Broker: ${text(hop.label)}${timing(hop)}`);
    const consumers = [...(children.get(hop.spanId) ?? [])].sort((a, b) => rank(a.to) - rank(b.to) || a.label.localeCompare(b.label));
    const waitingFor = resumedBy.get(hop.spanId);
    if (waitingFor) {
      // A request: the sender goes on only when the reply arrives, so its continuation follows the reply.
      continuations.set(waitingFor, list(rest, k));
      return [publish, ...par(consumers.map((c) => one(c, [])))];
    }
    return [publish, ...par([list(rest, k), ...consumers.map((c) => one(c, []))])];
  };

  const one = (hop: Hop, k: Lines): Lines => {
    const inner = children.get(hop.spanId) ?? [];
    switch (hop.kind) {
      case 'http': {
        const answer = line(hop, hop.status === undefined ? `${hop.to}--x${hop.from}: ${hop.outcome}` : `${hop.to}-->>${hop.from}: ${hop.status}`);
        return [line(hop, `${hop.from}->>${hop.to}: ${text(hop.label)}${timing(hop)}`), ...list(inner, [answer, ...k])];
      }
      case 'consume': {
        const arrow = hop.outcome === 'ok' ? '-)' : '-x';
        const remark = hop.outcome === 'ok' ? '' : ` (${hop.outcome})`;
        return [line(hop, `Broker${arrow}${hop.to}: ${text(hop.label)}${remark}${timing(hop)}`), ...list(inner, [...(continuations.get(hop.spanId) ?? []), ...k])];
      }
      case 'local':
        return [line(hop, `Note over ${hop.from}: ${text(hop.label)}`), ...list(inner, k)];
      default:
        return list([hop], k);
    }
  };

  const body = renderItems(setApartCompensations(list(children.get(undefined) ?? [], [])), rank);
  const present = new Set(hops.flatMap((h) => [h.from, h.to]));
  return [
    'sequenceDiagram',
    ...PARTICIPANTS.filter(([id]) => present.has(id)).map(([id, name]) => `  participant ${id} as ${name}`),
    ...body.map((l) => `  ${l}`),
    '',
  ].join('\n');
}
