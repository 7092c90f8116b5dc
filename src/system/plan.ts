import type { ActionKind } from '../walk/style-notes.js';
import { variantProblems, type FlowItem, type Variant } from '../variants/variant.js';
import { SERVICES, type ServiceName } from './wiring.js';

/** Where a link takes a domain event a service raised: a message on the broker (one of `messages`), or a REST call to `to`. */
export type RouteDeclaration = { messages: string[] } | { to: ServiceName; call: string };

/** A REST call a link makes directly (a question whose answer the step needs, or a read-back). */
export interface CallDeclaration {
  from: ServiceName;
  to: ServiceName;
  call: string;
}

/**
 * What one way of making a link adds to a style, declared once: the domain events it carries (as
 * messages or calls), the domain events it makes unnecessary (and why), the messages it sends
 * itself and consumes, the REST calls it makes directly, the ports it gives a service, and what it
 * means for each client action. Wiring, topology, the fault vocabulary and the walk all read it.
 */
export interface WayDeclaration {
  /** Per raising service, the domain events this way carries. */
  routes?: Partial<Record<ServiceName, Record<string, RouteDeclaration>>>;
  /** Per raising service, domain events this way makes unnecessary, with the reason (a port asks the step directly, an answer carries it). */
  absorbs?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Per service, messages it puts on the broker itself (replies, commands, channel statuses), not from a routed event. */
  sends?: Partial<Record<ServiceName, string[]>>;
  /** Per service, the messages it consumes. */
  consumes?: Partial<Record<ServiceName, string[]>>;
  /** REST calls made directly, not through the outbox. */
  calls?: CallDeclaration[];
  /** Per service, the ports this way fills in (how the service reaches the others synchronously). */
  ports?: Partial<Record<ServiceName, string[]>>;
  /** What this way means for a client action, in a sentence or two (the walk reads it). */
  explain?: Partial<Record<ActionKind, string>>;
  /** Why this way cannot work with the rest of the style, each naming the field to change (the style is refused). */
  refuses?: { field: string; reason: string }[];
}

/** One link's way as a style picks it: the link's name, the way, and its declaration for this style. */
export interface PlannedWay {
  link: string;
  way: string;
  declaration: WayDeclaration;
}

/** What a service brings to every style: the domain events its code raises, and the ports it cannot work without. */
export interface ServiceContract {
  raises?: readonly string[];
  needs?: readonly string[];
}

/** One arrow of a style's topology: a REST call, or a message from its publisher to one consumer. */
export interface PlanEdge {
  from: ServiceName | 'client';
  to: ServiceName;
  by: 'rest' | 'broker';
  /** The call (`POST /payments`) or the message type. */
  what: string;
  /** The link that makes it. */
  link: string;
}

/** What one service does in a style: what its relay does with each domain event, what it sends and consumes, which ports it gets. */
export interface ServicePlan {
  routes: Record<string, RouteDeclaration & { link: string }>;
  absorbs: Record<string, { link: string; why: string }>;
  sends: string[];
  consumes: string[];
  ports: string[];
}

/** A style compiled: the ways it makes each link, and per service what it does; built before anything boots. */
export interface Plan {
  variant: Variant;
  ways: PlannedWay[];
  services: Record<ServiceName, ServicePlan>;
  edges: PlanEdge[];
  /** Every message type the style puts on the broker. */
  messages: string[];
}

/** A style the plan refuses, with each reason naming its field. */
export class PlanRefused extends Error {
  constructor(
    readonly variant: string,
    readonly problems: { field: string; reason: string }[],
  ) {
    super(`variant ${variant}: ${problems.map(({ field, reason }) => `${field}: ${reason}`).join('; ')}`);
  }
}

const SERVICE_NAMES: readonly ServiceName[] = SERVICES;
const uniq = <T>(values: Iterable<T>): T[] => [...new Set(values)];

/**
 * Compiles a style into its plan: each link's way declared by `pick`, merged per service, then
 * checked as a whole. Refused when a field does not fit (variantProblems) or a way refuses the rest
 * of the style, when a service raises a domain event that no way carries and none makes unnecessary,
 * when two ways carry one event or give one port, when a port a service needs is given by no way,
 * when a message is put on the broker that nobody consumes, or consumed that nobody sends.
 */
export function compilePlan(variant: Variant, pick: (variant: Variant) => PlannedWay[], contracts: Record<ServiceName, ServiceContract>): Plan {
  const ways = pick(variant);
  const problems = [...variantProblems(variant), ...ways.flatMap((w) => w.declaration.refuses ?? [])];
  if (problems.length) throw new PlanRefused(variant.name, uniqueProblems(problems));
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, { routes: {}, absorbs: {}, sends: [], consumes: [], ports: [] } as ServicePlan])) as Record<ServiceName, ServicePlan>;
  const portGivers = new Map<string, string>();
  const field = (link: string) => (['commands', 'saga', 'push'].includes(link) ? link : `links.${link}`);
  for (const { link, declaration: d } of ways) {
    for (const service of SERVICE_NAMES) {
      const plan = services[service];
      for (const [event, route] of Object.entries(d.routes?.[service] ?? {})) {
        const other = plan.routes[event]?.link ?? plan.absorbs[event]?.link;
        if (other) problems.push({ field: field(link), reason: `${service}'s ${event} is carried by ${other} already: one event, one way` });
        plan.routes[event] = { ...route, link };
      }
      for (const [event, why] of Object.entries(d.absorbs?.[service] ?? {})) if (!plan.routes[event] && !plan.absorbs[event]) plan.absorbs[event] = { link, why };
      plan.sends.push(...(d.sends?.[service] ?? []));
      plan.consumes.push(...(d.consumes?.[service] ?? []));
      for (const port of d.ports?.[service] ?? []) {
        const other = portGivers.get(`${service} ${port}`);
        if (other) problems.push({ field: field(link), reason: `${service}'s port ${port} is given by ${other} already: one port, one way` });
        portGivers.set(`${service} ${port}`, link);
        plan.ports.push(port);
      }
    }
  }
  for (const service of SERVICE_NAMES) {
    const plan = services[service];
    for (const event of contracts[service].raises ?? []) {
      if (!plan.routes[event] && !plan.absorbs[event]) problems.push({ field: 'links', reason: `${service} raises ${event} and nothing in this style carries it or does its work another way` });
    }
    for (const port of contracts[service].needs ?? []) {
      if (!plan.ports.includes(port)) problems.push({ field: 'links', reason: `${service} needs its port ${port} and no way in this style gives it` });
    }
    plan.sends = uniq(plan.sends);
    plan.consumes = uniq(plan.consumes);
    plan.ports = uniq(plan.ports);
  }
  // Who puts each message on the broker, and who consumes it.
  const publishers = new Map<string, { service: ServiceName; link: string }[]>();
  const consumers = new Map<string, ServiceName[]>();
  const publish = (type: string, service: ServiceName, link: string) => publishers.set(type, [...(publishers.get(type) ?? []), { service, link }]);
  for (const { link, declaration: d } of ways) {
    for (const service of SERVICE_NAMES) {
      for (const route of Object.values(d.routes?.[service] ?? {})) if ('messages' in route) for (const type of route.messages) publish(type, service, link);
      for (const type of d.sends?.[service] ?? []) publish(type, service, link);
    }
  }
  for (const service of SERVICE_NAMES) for (const type of services[service].consumes) consumers.set(type, uniq([...(consumers.get(type) ?? []), service]));
  for (const [type, from] of publishers) {
    if (!consumers.has(type)) problems.push({ field: field(from[0].link), reason: `${from[0].service} puts ${type} on the broker and nothing in this style consumes it` });
  }
  for (const [type, by] of consumers) {
    if (!publishers.has(type)) problems.push({ field: 'links', reason: `${by.join(' and ')} consume${by.length > 1 ? '' : 's'} ${type} and nothing in this style sends it` });
  }
  if (problems.length) throw new PlanRefused(variant.name, uniqueProblems(problems));
  const plan = { variant, ways, services, edges: planEdges(ways, consumers), messages: [...publishers.keys()].sort() };
  const wrong = variant.flows ? flowProblems(plan, { ...variant.flows }) : [];
  if (wrong.length) throw new PlanRefused(variant.name, wrong);
  return plan;
}

/** The arrows of a style: every call its ways make, every message from its publisher to each consumer. */
function planEdges(ways: PlannedWay[], consumers: Map<string, ServiceName[]>): PlanEdge[] {
  const edges: PlanEdge[] = [];
  for (const { link, declaration: d } of ways) {
    for (const service of SERVICE_NAMES) {
      for (const route of Object.values(d.routes?.[service] ?? {})) {
        if ('call' in route) edges.push({ from: service, to: route.to, by: 'rest', what: route.call, link });
        else for (const type of route.messages) for (const to of consumers.get(type) ?? []) edges.push({ from: service, to, by: 'broker', what: type, link });
      }
      for (const type of d.sends?.[service] ?? []) for (const to of consumers.get(type) ?? []) edges.push({ from: service, to, by: 'broker', what: type, link });
    }
    for (const call of d.calls ?? []) edges.push({ ...call, by: 'rest', what: call.call, link });
  }
  const seen = new Set<string>();
  const unique = edges.filter((e) => {
    const key = `${e.from}|${e.to}|${e.by}|${e.what}`;
    return !seen.has(key) && seen.add(key);
  });
  return unique;
}

const uniqueProblems = (problems: { field: string; reason: string }[]) => {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.field}|${p.reason}`) && seen.add(`${p.field}|${p.reason}`));
};

/** Where a hop of a style's reference flows does not fit its plan: the call or message is not one the style makes. */
export function flowProblems(plan: Plan, flows: Record<string, FlowItem[]>): { field: string; reason: string }[] {
  const problems: { field: string; reason: string }[] = [];
  const services = new Set<string>(SERVICE_NAMES);
  const publishes = (from: string, type: string) => plan.edges.some((e) => e.by === 'broker' && e.from === from && e.what === type);
  const check = (hop: string, field: string) => {
    const [from, arrow, to, ...rest] = hop.split(' ');
    const what = rest.join(' ');
    const bad = (reason: string) => problems.push({ field, reason: `"${hop}": ${reason}` });
    if (arrow === '=>') {
      if (from === 'Client') return to === 'gateway' && what.split(' ')[1]?.startsWith('/api/v1/') ? undefined : bad('a client calls the gateway\'s public API (/api/v1/…)');
      if (!services.has(from) || !services.has(to)) return bad(`${services.has(from) ? to : from} is not a service (${[...services].join(', ')})`);
      if (!plan.edges.some((e) => e.by === 'rest' && e.from === from && e.to === to && e.what === what)) return bad(`${from} makes no such call to ${to} in this style`);
    } else if (arrow === '~>') {
      if (to !== 'Broker') return bad('a message is put on the Broker ("order ~> Broker OrderCreated")');
      if (!services.has(from)) return bad(`${from} is not a service`);
      if (!publishes(from, what)) return bad(`${from} puts no ${what} on the broker in this style`);
    } else if (arrow === '~~') {
      if (from !== 'Broker') return bad('a message is delivered by the Broker ("Broker ~~ billing CreatePayment")');
      if (!services.has(to)) return bad(`${to} is not a service`);
      if (!plan.services[to as ServiceName].consumes.includes(what)) return bad(`${to} consumes no ${what} in this style`);
    }
  };
  for (const [name, items] of Object.entries(flows)) {
    items.forEach((item, i) => {
      if (typeof item === 'string') check(item, `flows.${name}[${i}]`);
      else item.par.forEach((branch, b) => branch.forEach((hop, h) => check(hop, `flows.${name}[${i}].par[${b}][${h}]`)));
    });
  }
  return problems;
}
