import { COMPENSATIONS, compensationKinds } from '../diagrams/compensations.js';
import type { Plan } from '../system/plan.js';
import { SERVICES } from '../system/wiring.js';
import type { Hop } from '../tracing/recorder.js';

/** The steps of the saga a service does, what undoes each, and the notes the service records doing and undoing it. */
const STEPS = [
  { service: 'billing', undo: 'refund', done: ['payment taken'], undone: ['payment refunded'] },
  { service: 'stock', undo: 'release', done: ['stock reserved'], undone: ['stock released', 'stock returned'] },
  { service: 'delivery', undo: 'return', done: ['handed to a courier'], undone: ['brought back'] },
];

/** What undoing one cancelled saga took, counted from its recorded hops (its placement and, when the customer cancelled it, the cancel). */
export interface CancelCounts {
  /** The undos its done steps called for (`refund`, `release`, `return`), and those that were made. */
  needed: string[];
  undone: string[];
  /** Services that sent, received or made a compensation. */
  services: string[];
  /** Compensating messages put on the broker, and compensating REST calls. */
  messages: number;
  restCalls: number;
}

/** Counts what undoing a cancelled saga took, from its hops (the compensations as the sequence diagrams set them apart). */
export function cancelCounts(hops: Hop[]): CancelCounts {
  const kinds = compensationKinds(hops);
  const undoing = hops.filter((h) => kinds.has(h.spanId));
  const noted = (service: string, labels: string[]) => hops.some((h) => h.kind === 'local' && h.from === service && labels.includes(h.label));
  const needed = STEPS.filter((s) => noted(s.service, s.done));
  return {
    needed: needed.map((s) => s.undo),
    undone: needed.filter((s) => noted(s.service, s.undone)).map((s) => s.undo),
    services: [...new Set(undoing.flatMap((h) => [h.from, h.to]).filter((s) => (SERVICES as readonly string[]).includes(s)))].sort(),
    messages: undoing.filter((h) => h.kind === 'publish').length,
    restCalls: undoing.filter((h) => h.kind === 'http').length,
  };
}

/** Where a style declares its undos: the links that carry a compensating call or message, and each such call or message (`link: what`). */
export function undoDeclared(plan: Plan): { links: string[]; hops: string[] } {
  const undoing = plan.edges.filter((e) => COMPENSATIONS.some((c) => c.hop === e.what && (c.via === 'rest') === (e.by === 'rest')));
  return { links: [...new Set(undoing.map((e) => e.link))].sort(), hops: [...new Set(undoing.map((e) => `${e.link}: ${e.what}`))].sort() };
}
