import type { ApiClient, ApiResponse } from '../scenarios/api-client.js';
import { checkInvariants, type Invariant, type OrderView } from '../scenarios/invariants.js';
import type { OwnItem, RunContext } from '../scenarios/run-context.js';
import type { RunningSystem, StoppableService } from '../system/boot.js';
import { traitsOf } from '../variants/variant.js';
import type { Customer } from './customers.js';

/** A part of a running system that orders may find stopped: a service behind the gateway, or the broker. */
export interface Part {
  name: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A service behind the gateway as a part: stopped, then started again on the same port. */
export const servicePart = (system: RunningSystem, name: StoppableService): Part => ({ name, stop: () => system.stopService(name), start: () => system.startService(name) });

/** The broker as a part: cut (no service reaches it), then mended. */
export const brokerPart = (system: RunningSystem): Part => ({
  name: 'broker',
  stop: () => system.fault({ kind: 'broker-cut', on: true }),
  start: () => system.fault({ kind: 'broker-cut', on: false }),
});

/** What the orders placed while a part was stopped came to. */
export interface StoppedTrial {
  /** Each customer's answers, in the order its orders were placed. */
  answers: ApiResponse[][];
  /** Each customer's orders once the part was back and the system had recovered (before any receipt was confirmed). */
  orders: OrderView[][];
  /** What the invariants found wrong at the end (none: consistent), and what they checked, in words. */
  problems: string[];
  summary: string;
}

/** What a trial places and checks: each customer's orders, the invariants, and the items of its own the stock check judges. */
export interface TrialPlan {
  place(customer: Customer, index: number): Promise<ApiResponse[]>;
  invariants: Invariant[];
  catalog?: OwnItem[];
}

/** A customer's orders, as the public API lists them. */
async function ordersOf(api: ApiClient, customer: Customer): Promise<OrderView[]> {
  const list = await api.send('check', 'GET', '/ordering/orders', { token: customer.token });
  return Array.isArray(list.body) ? (list.body as OrderView[]) : [];
}

/**
 * Stops `part`, has every customer place its orders at the same moment, and once every answer is in starts the part again, lets the
 * system settle, runs one recovery pass at once (the pass a system runs by itself every 5 s, here without its 30 s grace) and lets it
 * settle again; then reads each customer's orders, confirms the receipt of every saga handed to delivery (so that it ends done, as
 * every saga must) and checks the plan's invariants through the public API.
 */
export async function ordersWhileStopped(system: RunningSystem, api: ApiClient, customers: Customer[], part: Part, plan: TrialPlan): Promise<StoppedTrial> {
  await part.stop();
  const answers = await Promise.all(customers.map((c, i) => plan.place(c, i)));
  await part.start();
  await system.settle(30_000);
  await system.recovery.run({ graceMs: 0 });
  await system.settle(30_000);
  const orders = await Promise.all(customers.map((c) => ordersOf(api, c)));
  const delivering = customers.flatMap((c, i) => orders[i].filter((o) => o.status === 'delivering').map((o) => ({ c, o })));
  if (delivering.length) {
    await Promise.all(delivering.map(({ c, o }) => api.send('check', 'POST', `/delivery/orders/${o.id}/received`, { token: c.token })));
    await system.settle(30_000);
  }
  const catalog = new Map((plan.catalog ?? []).map((item) => [item.sku, item]));
  const ctx: RunContext = { api, variant: system.variant.name, traits: traitsOf(system.variant), runId: 'evidence', users: new Map(customers.map((c) => [c.alias, c])), orders: new Map(), crowds: 0, catalog };
  const checked = await checkInvariants(ctx, plan.invariants);
  return { answers, orders, problems: checked.problems ?? [], summary: checked.summary ?? 'consistent' };
}

/** Is an answer a 2xx (the order was taken)? */
export const ok = (status: number) => status >= 200 && status < 300;

/** The statuses some answers had, in words: `answers: 202, 503`. */
export const answersSaid = (answers: ApiResponse[]) => `answers: ${[...new Set(answers.map((a) => a.status))].sort().join(', ')}`;
