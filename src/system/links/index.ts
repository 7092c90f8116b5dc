import { compilePlan, type Plan, type PlannedWay } from '../plan.js';
import type { ServiceName, Way, Wiring } from '../wiring.js';
import { accountOpening } from './account-opening.js';
import { commands } from './commands.js';
import { orderOutcome } from './order-outcome.js';
import { payment } from './payment.js';
import { push } from './push.js';
import { queries } from './queries.js';
import { recipient } from './recipient.js';
import { saga } from './choreography.js';
import { dispatch, reservation } from './saga-steps.js';
import { linkOf, type Variant } from '../../variants/variant.js';

/** Every link's way as the variant declares it, in wiring order. */
function waysOf(variant: Variant): { link: string; way: string; made: Way }[] {
  const { links } = variant;
  const step = (link: 'reservation' | 'dispatch') => linkOf(variant, link) as 'rest' | 'event';
  const saga_ = variant.saga ?? 'orchestration';
  return [
    { link: 'queries', way: 'rest', made: queries.rest },
    { link: 'recipient', way: links.recipient, made: recipient[links.recipient] },
    { link: 'accountOpening', way: links.accountOpening, made: accountOpening[links.accountOpening] },
    { link: 'payment', way: links.payment, made: payment[links.payment] },
    { link: 'orderOutcome', way: links.orderOutcome, made: orderOutcome[links.orderOutcome] },
    ...(saga_ === 'choreography' ? [] : [
      { link: 'reservation', way: step('reservation'), made: reservation[step('reservation')] },
      { link: 'dispatch', way: step('dispatch'), made: dispatch[step('dispatch')] },
    ]),
    { link: 'saga', way: saga_, made: saga[saga_] },
    { link: 'commands', way: variant.commands, made: commands[variant.commands] },
    { link: 'push', way: variant.push ?? 'none', made: push[variant.push ?? 'none'] },
  ];
}

/** The ways a style makes its links, with their declarations for it. */
const plannedWays = (variant: Variant): PlannedWay[] => waysOf(variant).map(({ link, way, made }) => ({ link, way, declaration: made.declare(variant) }));

/** Compiles a style into its plan (refused with every reason, in one line, when it cannot work). */
export const planOf = (variant: Variant): Plan => compilePlan(variant, plannedWays);

/**
 * Makes every link the way the variant declares it, wiring only the sides of the services this
 * process runs, then checks that what was wired is what the plan declares: each relay routes exactly
 * the planned domain events, each bus consumes exactly the planned messages.
 */
export async function wireLinks(w: Wiring, local: readonly ServiceName[], plan: Plan = planOf(w.variant)): Promise<void> {
  for (const { made } of waysOf(w.variant)) {
    for (const service of local) await made.sides[service]?.(w);
  }
  // Ordering sends at once what a move put in its outbox as REST calls, as a synchronous style does.
  if (local.includes('order') && Object.values(plan.services.order.routes).some((r) => 'call' in r)) {
    w.ports.ordering.sendNow = async (order) => {
      await w.relay.order.deliverNow(order.id).catch(() => {});
    };
  }
  for (const service of local) {
    const planned = plan.services[service];
    const relay = w.relay[service as keyof Wiring['relay']];
    if (relay) agree(service, 'routes', relay.routed(), Object.keys(planned.routes));
    agree(service, 'consumes', w.bus[service].consumed(), planned.consumes);
  }
}

/** Throws when a service's wiring and the plan disagree (a link's sides and its declaration were changed apart). */
function agree(service: string, what: string, wired: string[], planned: string[]): void {
  const a = [...new Set(wired)].sort();
  const b = [...new Set(planned)].sort();
  if (a.join() !== b.join()) throw new Error(`${service} ${what} [${a.join(', ')}] but its plan declares [${b.join(', ')}]: a link's sides and its declaration disagree`);
}
