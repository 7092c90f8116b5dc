import { planOf } from '../system/links/index.js';
import type { PlanEdge } from '../system/plan.js';
import type { Variant } from './variant.js';

/** One line of a topology: who reaches whom, by REST (`=>`) or through the broker (`~>`), and with what. */
interface Edge {
  from: string;
  to: string;
  by: 'rest' | 'broker';
  what: string;
}

const title = (name: string) => name[0].toUpperCase() + name.slice(1);

/** Which service reaches which in a style, by REST or through the broker (producer to consumer): the compiled plan's edges. */
export function topologyEdges(variant: Variant): Edge[] {
  const edges = planOf(variant).edges.map((e: PlanEdge) => ({ from: title(e.from), to: title(e.to), by: e.by, what: e.what }));
  return [{ from: 'Client', to: 'Gateway', by: 'rest', what: '/api/v1' }, ...edges];
}

/** The topology as a Mermaid flowchart: solid arrows are REST calls, dotted ones messages through the broker, from producer to consumer. */
export function topologyFlowchart(variant: Variant): string {
  const edges = topologyEdges(variant);
  const merged = new Map<string, Edge>();
  for (const edge of edges) {
    const key = `${edge.from}|${edge.to}|${edge.by}`;
    const seen = merged.get(key);
    if (seen) seen.what = seen.what.split(', ').includes(edge.what) ? seen.what : `${seen.what}, ${edge.what}`;
    else merged.set(key, { ...edge });
  }
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  const lines = ['flowchart LR'];
  for (const node of ['Client', 'Gateway', 'Identity', 'Billing', 'Order', 'Notification', 'Stock', 'Delivery']) if (used.has(node)) lines.push(`  ${node}[${node}]`);
  for (const e of merged.values()) lines.push(`  ${e.from} ${e.by === 'rest' ? '-->' : '-.->'}|"${e.what}"| ${e.to}`);
  return `${lines.join('\n')}\n`;
}
