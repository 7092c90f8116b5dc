import type { EventStyle } from '../system/events.js';

/** How one link between two services is made: a synchronous REST call or an event on the broker. */
export type LinkStyle = 'rest' | 'event';

/** The links between services a style declares, by name. */
export const LINKS = ['accountOpening', 'payment', 'orderOutcome', 'recipient', 'reservation', 'dispatch'] as const;
export type LinkName = (typeof LINKS)[number];

/** The events a style may give another name (its own vocabulary); consumers subscribe to the style's names. */
export const RENAMABLE_EVENTS = ['UserCreated', 'PaymentCreated', 'PaymentFailed', 'OrderCreated', 'OrderFailed'] as const;
export type RenamableEvent = (typeof RENAMABLE_EVENTS)[number];

/**
 * A step of a reference flow: `from => to METHOD /path` (an HTTP request), `from ~> Broker Type` (a
 * message put on the broker), `Broker ~~ to Type` (its delivery); `{ par }` holds branches that run
 * at the same time, each in its own order.
 */
export type FlowItem = string | { par: string[][] };

/** The hops a recorded registration and order placement must show, in order. */
export interface ReferenceFlows {
  registration: FlowItem[];
  order: FlowItem[];
}

/** The resilience of a REST link's calls, in milliseconds and counts. */
export interface Resilience {
  /** Give up on one call after this long. */
  timeoutMs?: number;
  /** Try a failed call again this many times (every REST link's call is idempotent), with backoff. */
  retries?: number;
  /** After `failures` failed calls in a row stop calling for `resetMs`, failing at once; then let one call through to see. */
  breaker?: { failures: number; resetMs: number };
}


/** Who drives the order saga: the order service over the saga links, or nobody (each service reacts to the order-status channel). */
export type SagaStyle = 'orchestration' | 'choreography';

/** The messages of the choreography's one order-status channel, by the saga state each announces. */
export const ORDER_STATUS_CHANNEL = {
  created: 'OrderCreated',
  paid: 'OrderPaid',
  reserved: 'OrderReserved',
  delivering: 'OrderDelivering',
  done: 'OrderDone',
  cancelled: 'OrderCancelled',
} as const;

/** The whole shape of an interaction style: which link is REST, which is an event, who keeps copies. */
export interface Variant {
  name: string;
  /** One line for listings. */
  summary: string;
  /** Client-facing commands (register, deposit, withdraw, order): the gateway calls the owner over REST, or sends a command event and waits for the reply event. */
  commands: 'rest' | 'broker';
  /** What events carry: ids only (consumers call back over REST) or the state they need. */
  events: EventStyle;
  links: {
    /** Identity → Billing: opening the account of a new user. */
    accountOpening: LinkStyle;
    /** Order → Billing: charging an order. */
    payment: LinkStyle;
    /** Order → Notification: telling how an order ended. */
    orderOutcome: LinkStyle;
    /** Notification → Identity: who the user is; `copy` = notification keeps its own copy from UserCreated. */
    recipient: 'rest' | 'copy';
    /** Order → Stock: reserving a paid saga's items, releasing them, shipping them (declared, or as `payment`). */
    reservation?: LinkStyle;
    /** Order ⇄ Delivery: handing a reserved saga to a courier, the return delivery, the customer's receipt (declared, or as `payment`). */
    dispatch?: LinkStyle;
  };
  /** Who drives the order saga (default: orchestration by the order service). */
  saga?: SagaStyle;
  /** `sse`: a client may subscribe to its order through the gateway and is told the final status the moment it is known. */
  push?: 'sse';
  /** What a team adds to a REST link's calls: a timeout per call, retries with backoff, a circuit breaker. */
  resilience?: Partial<Record<LinkName, Resilience>>;
  /** Events this style calls by another name (e.g. OrderCreated: OrderCompleted). */
  names?: Partial<Record<RenamableEvent, string>>;
  /** The hops its registration and order placement make (checked against every recorded run). */
  flows?: ReferenceFlows;
  /** Where it was declared: the YAML file (built-in ones are under variants/). */
  source?: string;
  /** Place among the built-in styles when they are listed and compared. */
  order?: number;
}


/** What does not fit together in a declaration, field by field. */
export function variantProblems(variant: Variant): { field: string; reason: string }[] {
  const problems: { field: string; reason: string }[] = [];
  for (const link of Object.keys(variant.resilience ?? {}) as LinkName[]) {
    if (linkOf(variant, link) !== 'rest') problems.push({ field: `resilience.${link}`, reason: `${link} is ${linkOf(variant, link) === 'copy' ? 'a copy' : 'an event'} in this style: timeouts, retries and breakers belong to REST calls` });
  }
  const names = Object.entries(variant.names ?? {});
  const taken = new Set<string>();
  for (const [from, to] of names) {
    if (taken.has(to!) || ((RENAMABLE_EVENTS as readonly string[]).includes(to!) && to !== from && !(variant.names ?? {})[to as RenamableEvent])) {
      problems.push({ field: `names.${from}`, reason: `${to} is already the name of another event: two events of one name could not be told apart` });
    }
    taken.add(to!);
  }
  return problems;
}

/** How a link is made in this style: the saga links default to the payment link's way. */
export function linkOf(variant: Pick<Variant, 'links' | 'saga'>, link: LinkName): LinkStyle | 'copy' {
  if (link === 'reservation' || link === 'dispatch') return variant.saga === 'choreography' ? 'event' : (variant.links[link] ?? variant.links.payment);
  return variant.links[link];
}

/** Does this style put anything on the broker? (`http` never does, so it needs none.) */
export function usesBroker(variant: Variant): boolean {
  return variant.commands === 'broker' || LINKS.some((l) => linkOf(variant, l) !== 'rest');
}

/** Is a client's order answered before it is settled (202, then the outcome comes later)? */
export function answersOrdersLater(variant: Variant): boolean {
  return variant.commands === 'rest' && (['payment', 'reservation', 'dispatch'] as const).some((l) => linkOf(variant, l) === 'event');
}

/** What a scenario's `except` may name instead of a style: a trait of the declaration, in words. */
export const TRAITS = {
  /** The client's order is answered 202 before it is settled; the outcome comes later. */
  'answers-orders-later': answersOrdersLater,
  /** A client may subscribe to its order and is told the final status by push (server-sent events). */
  'pushes-order-status': (variant: Variant) => variant.push === 'sse',
  /** Every call is synchronous REST, nothing goes through a broker (the http style). */
  'all-rest': (variant: Variant) => variant.commands === 'rest' && !usesBroker(variant),
} satisfies Record<string, (variant: Variant) => boolean>;

/** The traits a style has. */
export const traitsOf = (variant: Variant): string[] => Object.entries(TRAITS).filter(([, has]) => has(variant)).map(([trait]) => trait);

/** The name this style gives an event. */
export function eventName(variant: Pick<Variant, 'names'>, event: RenamableEvent): string {
  return variant.names?.[event] ?? event;
}
