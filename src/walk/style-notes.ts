import { SAGA } from '../services/ordering/order-saga.js';
import { COMPENSATION_EVENTS } from '../services/ordering/ordering-service.js';
import { planOf } from '../system/links/index.js';
import type { Plan } from '../system/plan.js';
import type { ServiceName } from '../system/wiring.js';
import type { Variant } from '../variants/variant.js';
import { display } from './hop-list.js';

/** The kinds of client action the walk explains. */
export type ActionKind = 'register' | 'login' | 'deposit' | 'withdraw' | 'order' | 'read' | 'cancel' | 'received';

const LINK_ORDER = ['commands', 'queries', 'accountOpening', 'payment', 'reservation', 'dispatch', 'saga', 'orderOutcome', 'recipient', 'push'];
const tidy = (parts: (string | undefined)[]) => parts.filter(Boolean).join(' ').replace(/ {2,}/g, ' ').trim();
const list = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/**
 * What this style does for an action, and why, in a few sentences: what each of its links' ways
 * declares for that action, in the order the links are made, so it always says what runs. A cancel
 * and a receipt are told from the routes the plan gives the saga's domain events.
 */
export function styleNote(variant: Variant, kind: ActionKind): string {
  const plan = planOf(variant);
  const ways = [...plan.ways].sort((a, b) => LINK_ORDER.indexOf(a.link) - LINK_ORDER.indexOf(b.link));
  const declared = ways.map((w) => w.declaration.explain?.[kind]);
  if (kind === 'cancel') return tidy([...declared, cancelNote(plan)]);
  if (kind === 'received') return tidy([...declared, receiptNote(plan)]);
  return tidy(declared);
}

/** How a domain event `from` raises travels in this style: a REST call through its outbox, or messages, and to whom. */
function carried(plan: Plan, from: ServiceName, event: string): { how: string; to: string; many: boolean } | undefined {
  const route = plan.services[from].routes[event];
  if (!route) return undefined;
  if ('call' in route) return { how: `over REST (${route.call}, through ${display(from)}'s outbox)`, to: display(route.to), many: false };
  const to = [...new Set(plan.edges.filter((e) => e.by === 'broker' && e.from === from && e.to !== from && route.messages.includes(e.what)).map((e) => display(e.to)))];
  return { how: `through the broker (${route.messages.join(' or ')})`, to: list(to), many: to.length > 1 };
}

/** The gateway's call to Order that ends in `suffix` (`/cancel`), as the plan declares it. */
const gatewayCall = (plan: Plan, suffix: string) => plan.edges.find((e) => e.from === 'gateway' && e.to === 'order' && e.by === 'rest' && e.what.endsWith(suffix));

function cancelNote(plan: Plan): string {
  const call = gatewayCall(plan, '/cancel');
  const first = `The gateway forwards your cancel to Order${call ? ` over REST (${call.what})` : ''}; Order moves the saga to cancelled in one write and answers 202 at once.`;
  const broadcast = carried(plan, 'order', 'CustomerCancelled');
  // The undos of the longest way back, last step first, as the saga's table lists them.
  const undos = SAGA.reduce((most, t) => ((t.compensate?.length ?? 0) > most.length ? t.compensate! : most), [] as string[]);
  const each = undos.map((c) => ({ c, route: carried(plan, 'order', COMPENSATION_EVENTS[c as keyof typeof COMPENSATION_EVENTS]) })).filter((u) => u.route);
  const undo = broadcast
    ? `Order tells ${broadcast.to} ${broadcast.how}: each undoes its own part when it hears it.`
    : each.length
      ? `Order undoes what was done so far, last step first: ${each.map(({ c, route }) => `the ${c} goes to ${route!.to} ${route!.how}`).join('; ')}.`
      : '';
  const restock = carried(plan, 'delivery', 'GoodsReturned');
  return tidy([first, undo, restock && `A return delivery ends with Delivery telling ${restock.to} ${restock.how} to put the goods back.`]);
}

function receiptNote(plan: Plan): string {
  const call = gatewayCall(plan, '/received');
  const first = `Your receipt goes to Order${call ? ` over REST (${call.what})` : ''}, where the saga's state is: a receipt and a cancel of one order are decided one after the other, so one wins and the other is a 409.`;
  const told = carried(plan, 'order', 'ReceiptConfirmed');
  const outcome = carried(plan, 'order', 'OrderSettled');
  return tidy([first, told && `${told.to} hears of it afterwards, ${told.how}.`, outcome && `The order is done, and ${outcome.to} ${outcome.many ? 'hear' : 'hears'} how it ended ${outcome.how}.`]);
}

/**
 * What stopping `service` means in this style, from its plan: which calls to it fail (made directly),
 * which wait in their caller's outbox, and which messages wait in its queue.
 */
export function stopNote(variant: Variant, service: ServiceName): string {
  const plan = planOf(variant);
  const routed = new Set(Object.entries(plan.services).flatMap(([from, p]) => Object.values(p.routes).flatMap((r) => ('call' in r ? [`${from} ${r.to} ${r.call}`] : []))));
  const calls = plan.edges.filter((e) => e.by === 'rest' && e.to === service && e.from !== 'client');
  const byCaller = (edges: typeof calls) => [...new Set(edges.map((e) => e.from))].map((from) => `${display(from)}: ${edges.filter((e) => e.from === from).map((e) => e.what).join(', ')}`).join('; ');
  const direct = calls.filter((e) => !routed.has(`${e.from} ${e.to} ${e.what}`));
  const later = calls.filter((e) => routed.has(`${e.from} ${e.to} ${e.what}`));
  const queued = plan.services[service].consumes;
  const parts = [
    direct.length ? `the calls made to it directly fail (${byCaller(direct)})` : '',
    later.length ? `the calls sent through an outbox wait there until it is back (${byCaller(later)})` : '',
    queued.length ? `the messages it consumes wait in its queue (${queued.join(', ')})` : '',
  ].filter(Boolean);
  return parts.length ? `While ${display(service)} is stopped, ${list(parts)}.` : '';
}
