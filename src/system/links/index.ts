import { compilePlan, type Plan, type PlannedWay } from '../plan.js';
import type { PortsOf, ServiceName, SideContext, Way } from '../wiring.js';
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
import { MODULES } from '../../services/modules.js';

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
export const planOf = (variant: Variant): Plan => compilePlan(variant, plannedWays, MODULES);

/** The side contexts of the services one process runs. */
export type SideContexts = { [S in ServiceName]?: SideContext<S> };

/**
 * Makes every link the way the variant declares it, running only the sides of the services this
 * process runs, and returns each local service's ports as the ways gave them. Checks that what was
 * wired is what the plan declares: each way gives exactly the ports it declares (no port twice),
 * each relay routes exactly the planned domain events, each bus consumes exactly the planned messages.
 */
export async function wireLinks(variant: Variant, contexts: SideContexts, plan: Plan = planOf(variant)): Promise<{ [S in ServiceName]?: Partial<PortsOf<S>> }> {
  const local = Object.keys(contexts) as ServiceName[];
  const ports: Partial<Record<ServiceName, Record<string, unknown>>> = Object.fromEntries(local.map((s) => [s, {}]));
  for (const { link, made } of waysOf(variant)) {
    const declared = made.declare(variant).ports ?? {};
    for (const service of local) {
      const side = made.sides[service] as ((c: unknown) => Promise<object | void> | object | void) | undefined;
      const given = Object.entries((await side?.(contexts[service])) ?? {});
      agree(service, `ports given by ${link}`, given.map(([name]) => name), declared[service] ?? []);
      for (const [name, port] of given) ports[service]![name] = port;
    }
  }
  const order = contexts.order;
  // Ordering sends at once what a move put in its outbox as REST calls, as a synchronous style does.
  if (order && Object.values(plan.services.order.routes).some((r) => 'call' in r)) {
    ports.order!.sendNow = async (_trace: unknown, o: { id: string }) => {
      await order.relay.deliverNow(o.id).catch(() => {});
    };
  }
  for (const service of local) {
    const planned = plan.services[service];
    const c = contexts[service]!;
    if ('relay' in c) agree(service, 'routes', c.relay.routed(), Object.keys(planned.routes));
    agree(service, 'consumes', c.bus.consumed(), planned.consumes);
  }
  return ports;
}

/** Throws when a service's wiring and the plan disagree (a link's sides and its declaration were changed apart). */
function agree(service: string, what: string, wired: string[], planned: string[]): void {
  const a = [...new Set(wired)].sort();
  const b = [...new Set(planned)].sort();
  if (a.join() !== b.join()) throw new Error(`${service} ${what} [${a.join(', ')}] but its plan declares [${b.join(', ')}]: a link's sides and its declaration disagree`);
}
