import { z } from 'zod';
import { HISTORY_RULE_NAMES } from './history-rules.js';
import { faultActions, FAULT_EXAMPLES } from '../faults/fault-steps.js';
import { linkOf, TRAITS, usesBroker, type Variant } from '../variants/variant.js';
import { parseDuration } from '../core/duration.js';
import type { Capacity } from '../system/capacity.js';
import { SERVICES, type ServiceName } from '../system/wiring.js';

const alias = z.string().regex(/^[a-z][a-z0-9-]*$/i, 'a name like alice or user-2');
const money = z.number();
const duration = z.union([z.string(), z.number()]);
const userRef = z.union([alias.transform((user) => ({ user })), z.object({ user: alias })]);

/** An item as a scenario names it: `last-lamp`. */
export const skuName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'an item name like last-lamp (small letters, digits and hyphens)');
/** A city as a scenario names it: `Tinytown`, `Far Away`. */
export const cityName = z.string().regex(/^[A-Za-z][A-Za-z .'-]*$/, 'a city name like Tinytown (letters, spaces and hyphens)');

/** The catalog every system loads at boot (`GET /stock/items`), shared by every scenario run on it. */
export const DEFAULT_ITEMS = ['book', 'lamp', 'mug', 'pen', 'plant'] as const;
/** The cities every system delivers to (`GET /delivery/zones`), shared by every scenario run on it. */
export const DEFAULT_CITIES = ['Amsterdam', 'Berlin', 'Lisbon', 'Paris', 'Vienna'] as const;
/** Where an order with items goes when its step gives no address: a default zone. */
export const DEFAULT_ADDRESS = { city: 'Amsterdam', street: 'Harness Street 1' } as const;
const DEFAULT_STREET = DEFAULT_ADDRESS.street;

/** One line of an order: how many of which item. */
export interface OrderLine {
  sku: string;
  quantity: number;
}

/**
 * Items as a scenario writes them: the short form `{ last-lamp: 1, book: 2 }` or the list
 * `[{ sku: last-lamp, quantity: 1 }]`; both become the list. Quantities are any whole number (a
 * scenario may send 0 to see it refused); which items exist is checked when the file loads.
 */
export const itemsSchema = z.unknown().transform((value, ctx): OrderLine[] => {
  const wrong = () => {
    ctx.addIssue({ code: 'custom', message: 'give items as { last-lamp: 1, book: 2 } or as a list of { sku, quantity }' });
    return z.NEVER;
  };
  const quantityOf = (q: unknown, sku: string) => {
    if (typeof q === 'number' && Number.isInteger(q)) return q;
    ctx.addIssue({ code: 'custom', message: `the quantity of ${sku} must be a whole number, not ${JSON.stringify(q)}` });
    return 0;
  };
  const skuOf = (s: unknown) => {
    const parsed = skuName.safeParse(s);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not ${parsed.error.issues[0].message}` });
    return String(s);
  };
  if (Array.isArray(value)) {
    return value.map((line) => {
      if (typeof line !== 'object' || line === null || Array.isArray(line)) return wrong();
      const extra = Object.keys(line).filter((k) => k !== 'sku' && k !== 'quantity');
      if (extra.length || !('sku' in line) || !('quantity' in line)) {
        ctx.addIssue({ code: 'custom', message: `a line of items has exactly sku and quantity (this one has ${Object.keys(line).join(', ') || 'nothing'})` });
        return z.NEVER;
      }
      const sku = skuOf(line.sku);
      return { sku, quantity: quantityOf(line.quantity, sku) };
    });
  }
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([sku, q]) => ({ sku: skuOf(sku), quantity: quantityOf(q, sku) }));
  return wrong();
});

/** Where an order goes: a city (a default zone, one of the scenario's zones or of its `not-served` cities) and a street. */
export const addressSchema = z.strictObject({ city: cityName, street: z.string().min(1).default(DEFAULT_STREET) });
export type Address = z.infer<typeof addressSchema>;

/** What a step expects of the answer: `answer` is the HTTP status; other keys are fields of the body. */
export const expectation = z
  .object({
    answer: z.union([z.number().int(), z.array(z.number().int())]).optional(),
    count: z.number().int().optional(),
    latest: z.record(z.string(), z.unknown()).optional(),
    message: z.string().optional(),
    answers: z.array(z.number().int()).optional(),
    /** The client waited at least this long for the answer (`200ms`): what a slow service behind it costs, never a speed. */
    'waited-at-least': duration.optional(),
  })
  .catchall(z.unknown());
export type Expectation = z.infer<typeof expectation>;

/** Keys an expectation gives a meaning of its own: the status, a list's length, its newest item, a message, a crowd's statuses, the least wait. */
export const EXPECTATION_KEYS = ['answer', 'count', 'latest', 'message', 'answers', 'waited-at-least'] as const;

/** Fields of the public API's answers an expectation may name besides its own keys. */
export const BODY_FIELDS = [
  'id', 'status', 'price', 'amount', 'reason', 'email', 'firstName', 'lastName', 'phone', 'accessToken',
  'createdAt', 'updatedAt', 'orderId', 'order', 'code', 'error', 'problems', 'users', 'orders',
  // the order saga: an order's items, address and history; an item of the catalog; how a race ended
  'items', 'address', 'history', 'sku', 'name', 'available', 'reserved', 'won', 'lost', 'reasons',
] as const;

/** A raw request for probing the API with malformed input. */
const request = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']),
  path: z.string().startsWith('/'),
  user: alias.optional(),
  token: z.enum(['none', 'garbage', 'forged', 'expired', 'alg-none']).optional(),
  body: z.unknown().optional(),
  raw: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** The invariants a `check` step can ask for. */
export const INVARIANTS = ['money-conserved', 'orders-final', 'one-notification-per-order', 'stock-balanced', 'sagas-final', ...HISTORY_RULE_NAMES] as const;
export type Invariant = (typeof INVARIANTS)[number];

/** The actions a step of a file can take; a step has exactly one. */
export const actions = {
  register: z.union([
    alias.transform((user) => ({ user })),
    z.object({ user: alias, email: z.string().optional(), password: z.string().optional(), firstName: z.string().optional(), lastName: z.string().optional(), phone: z.string().optional() }),
  ]),
  login: z.union([alias.transform((user) => ({ user, password: undefined as string | undefined })), z.object({ user: alias, password: z.string().optional() })]),
  logout: userRef,
  /** With an `idempotency-key`, asking again (a retry, `eventually`) moves the money once. */
  deposit: z.strictObject({ user: alias, amount: money, 'idempotency-key': z.string().optional() }),
  withdraw: z.strictObject({ user: alias, amount: money, 'idempotency-key': z.string().optional() }),
  /** A plain order (`price`), or one of the saga with `items` (and an `address`, a default one when left out). */
  order: z.strictObject({ user: alias, price: money, name: alias.optional(), items: itemsSchema.optional(), address: addressSchema.optional(), 'idempotency-key': z.string().optional() }),
  balance: userRef,
  orders: userRef,
  'order-status': z.object({ user: alias, order: alias, wait: z.literal('push').optional() }),
  /** The customer cancels an order of the saga they named earlier. */
  cancel: z.strictObject({ user: alias, order: alias }),
  /** The customer confirms they received the goods of an order. */
  received: z.strictObject({ user: alias, order: alias }),
  /** An item of the catalog as `GET /stock/items` shows it: `stock: last-lamp`. */
  stock: skuName,
  notifications: userRef,
  request,
  crowd: z.object({ users: z.number().int().min(1).max(500), deposit: money, orders: z.number().int().min(1).max(100), prices: z.array(money).min(1) }),
  /** Many new customers order the same item at the same instant; the step waits until each order got or lost it. */
  race: z.strictObject({
    users: z.number().int().min(2).max(200),
    sku: skuName,
    quantity: z.number().int().min(1).default(1),
    deposit: money,
    price: money,
    address: addressSchema.optional(),
    /** How long to wait for the outcome of orders answered later (default 15s). */
    within: duration.optional(),
  }),
  check: z.array(z.enum(INVARIANTS)).min(1),
  /** Customers' steps sent at the same instant, each on its own connection (`together: [ {cancel: …}, {received: …} ]`); it holds when each holds. */
  together: z.array(z.record(z.string(), z.unknown())).min(2).max(10),
  /** `recover: now`: the recovery pass, at once and for all work however recent (by itself it runs every 5 s, for work stalled 30 s). */
  recover: z.literal('now'),
  ...faultActions,
} as const;

/** How each action of the saga is written, for the message when a step gets it wrong. */
export const ACTION_EXAMPLES: Partial<Record<FileAction, string>> = {
  order: 'order: { user: alice, price: 10, name: first, items: { last-lamp: 1 }, address: { city: Tinytown, street: Main Street 1 } }',
  cancel: 'cancel: { user: alice, order: first }',
  received: 'received: { user: alice, order: first }',
  stock: 'stock: last-lamp',
  race: 'race: { users: 20, sku: last-lamp, quantity: 1, deposit: 100, price: 10 }',
  ...FAULT_EXAMPLES,
};

/** What a step of a file can do. */
export type FileAction = keyof typeof actions;
/** Every action a step can have: those of files, and `setup`, the step a scenario's `catalog` and `zones` become. */
export type ActionName = FileAction | 'setup';
export const ACTION_NAMES = Object.keys(actions) as FileAction[];

/** One step as written in the file (action key plus common fields). */
export const stepFields = z.object({
  expect: expectation.optional(),
  /** Per-variant expectations that replace `expect`: `except: { hybrid: { answer: 202 } }`. */
  except: z.record(z.string(), expectation).optional(),
  /** Keep asking until the expectation holds, for at most this long (`5s`). */
  eventually: duration.optional(),
  /** One or two sentences on what happens here and why; shown by `walk`. */
  why: z.string().optional(),
  /** How long the fault a fault step puts on lasts (`3s`); without it, until a later step ends it. */
  for: duration.optional(),
  /** Runs the step only on styles with one of these traits or names (`only: [uses-broker]`); elsewhere it is skipped, and says so. */
  only: z.array(z.string()).min(1).optional(),
});

/** What a step's `except` or `only` may name instead of a style: the traits of the style declarations, and how a few of its links are made. */
export const STEP_TRAITS = {
  ...TRAITS,
  /** Anything goes through a broker at all. */
  'uses-broker': usesBroker,
  /** The gateway puts a client's command on the broker and waits for the outcome event. */
  'commands-by-broker': (variant: Variant) => variant.commands === 'broker',
  /** Identity opens the billing account over REST before it answers the registration. */
  'opens-accounts-over-rest': (variant: Variant) => linkOf(variant, 'accountOpening') === 'rest',
  /** The order service asks delivery over REST while the client waits. */
  'calls-delivery-over-rest': (variant: Variant) => linkOf(variant, 'dispatch') === 'rest',
} satisfies Record<string, (variant: Variant) => boolean>;

/** The traits a style has, as steps name them. */
export const stepTraitsOf = (variant: Variant): string[] => Object.entries(STEP_TRAITS).filter(([, has]) => has(variant)).map(([trait]) => trait);

/** A parsed step: which action, its arguments, and the common fields. */
export type Step = z.infer<typeof stepFields> & { action: ActionName; args: any };

/** An item of a scenario's own catalog: its name in the file, what the shop calls it, how many there are at first. */
export const catalogItem = z.strictObject({ sku: skuName, name: z.string().min(1).max(100).optional(), available: z.number().int().min(0) });
export type CatalogItem = z.infer<typeof catalogItem>;

/** A delivery zone of a scenario's own: a city and how many couriers serve it (only it). */
export const zone = z.strictObject({ city: cityName, couriers: z.number().int().min(0) });
export type Zone = z.infer<typeof zone>;

/** What the `setup` step loads: the scenario's own items and zones. */
export interface Setup {
  catalog: CatalogItem[];
  zones: Zone[];
}

/** A scenario file. */
export interface Scenario {
  name: string;
  title: string;
  description: string;
  /** Items only this scenario orders, loaded before its first step (under names unique to each run). */
  catalog: CatalogItem[];
  /** Delivery zones only this scenario uses, loaded before its first step (under names unique to each run). */
  zones: Zone[];
  /** Items the shop does not sell (never loaded): ordering one is refused. */
  notSold: string[];
  /** Cities nobody delivers to (never loaded): an order there is refused. */
  notServed: string[];
  /** The steps; with a catalog or zones, the first is the `setup` step that loads them. */
  steps: Step[];
  /** What each instance of a service can do at once while it runs (the system's own capacity otherwise). */
  capacity?: Capacity;
  /** Its first registration and first order are checked, hop by hop, against the style's reference flows (`flows:`). */
  reference: boolean;
  file: string;
}

/** What one instance of a service can do at once, as a scenario writes it. */
export const serviceCapacity = z.strictObject({
  workers: z.number({ error: 'a whole number of workers, from 1 to 1000' }).int({ error: 'a whole number of workers, from 1 to 1000' }).min(1, 'a whole number of workers, from 1 to 1000').max(1000, 'a whole number of workers, from 1 to 1000'),
  'service-time': z.union([z.string(), z.number()], { error: (issue) => (issue.input === undefined ? 'is missing' : 'a duration such as 20ms') }),
});

/** `capacity: { billing: { workers: 1, service-time: 20ms } }`: what each instance of a service can do at once while the scenario runs. */
export const capacitySchema = z
  .partialRecord(z.enum(SERVICES), serviceCapacity)
  .transform((declared, ctx): Capacity => {
    const capacity: Capacity = {};
    for (const [service, { workers, 'service-time': time }] of Object.entries(declared) as [ServiceName, { workers: number; 'service-time': string | number }][]) {
      try {
        const serviceTimeMs = parseDuration(time);
        if (serviceTimeMs > 60_000) throw new Error('at most 60s');
        capacity[service] = { workers, serviceTimeMs };
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: [service, 'service-time'], message: `a duration such as 20ms, ${(error as Error).message}` });
      }
    }
    return capacity;
  });

export const scenarioHeader = z.strictObject({
  title: z.string().min(1),
  description: z.string().default(''),
  catalog: z.array(catalogItem).default([]),
  zones: z.array(zone).default([]),
  'not-sold': z.array(skuName).default([]),
  'not-served': z.array(cityName).default([]),
  reference: z.boolean().default(false),
  capacity: capacitySchema.optional(),
  steps: z.array(z.record(z.string(), z.unknown())).min(1),
});
