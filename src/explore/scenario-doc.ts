import type { Action, FaultPick, Workload } from './workload.js';
import { HISTORY_RULE_NAMES } from '../scenarios/history-rules.js';

/** What every run checks at its end: the invariants over the state (once the system settled), then the rules over the history the client saw. */
export const EXPLORE_CHECKS = { state: ['money-conserved', 'one-notification-per-order', 'stock-balanced', 'sagas-final'], history: [...HISTORY_RULE_NAMES] } as const;

/**
 * How long a customer's action is asked again while the answer is not a definite one (a 5xx or a timeout: a
 * real client retries with its key), and how long a new customer's first deposit waits for the account (a
 * style that opens it from an event). Bounds on a stuck system, not a speed: a loaded machine (a suite beside
 * it on two cores) once took over 30 s to open an account that an idle one opens at once.
 */
const RETRY = '60s';
const SETUP = '120s';
/** How long the state may take to settle once the recovery pass ran: a restart or two, a redelivery's backoff. */
const SETTLE = '45s';

const customer = (i: number) => `c${i + 1}`;

function faultStep(f: FaultPick): Record<string, unknown> {
  const lasting = (forMs: number) => ({ for: `${forMs}ms` });
  switch (f.kind) {
    case 'stop':
      return { stop: f.service, ...lasting(f.ms) };
    case 'fail':
      return { fail: { service: f.service, share: '50%' }, ...lasting(f.ms) };
    case 'latency':
      return { latency: { service: f.service, ms: f.ms }, ...lasting(f.forMs) };
    case 'broker-down':
      return { broker: 'down', ...lasting(f.ms) };
    case 'late':
      return { late: { message: f.message, ms: f.ms }, ...lasting(f.forMs) };
    case 'duplicate':
      return { duplicate: { message: f.message }, ...lasting(f.forMs) };
    case 'drop':
      return { drop: { message: f.message, share: '50%' }, ...lasting(f.forMs) };
    case 'crash':
      return { crash: { service: f.service, at: f.at } };
  }
}

/**
 * The scenario file a workload is: its customers register, log in and deposit first (asked again until
 * they are answered), then its actions and faults run one after the other, then every check must hold.
 * Every order and movement carries an Idempotency-Key, and is asked again while its answer is not definite.
 */
export function scenarioDoc(w: Workload, title: string): Record<string, unknown> {
  const steps: Record<string, unknown>[] = [];
  for (let i = 0; i < w.customers; i++) {
    steps.push({ register: customer(i), expect: { answer: 201 }, eventually: SETUP });
    steps.push({ login: customer(i), expect: { answer: 200 }, eventually: SETUP });
    steps.push({ deposit: { user: customer(i), amount: 100, 'idempotency-key': `${customer(i)}-start` }, expect: { answer: 204 }, eventually: SETUP });
  }
  const orders: { user: string; name: string }[] = [];
  let moves = 0;
  /** The step an action is; orders it refers to are those placed before `known` of them. */
  const stepOf = (action: Action, known: number): Record<string, unknown> | undefined => {
    if (action.op === 'deposit' || action.op === 'withdraw') {
      const user = customer(action.user % w.customers);
      return { [action.op]: { user, amount: action.amount, 'idempotency-key': `${user}-m${++moves}` }, expect: { answer: action.op === 'deposit' ? 204 : [204, 422] }, eventually: RETRY };
    }
    if (action.op === 'order') {
      const user = customer(action.user % w.customers);
      const name = `o${orders.length + 1}`;
      const order = { user, price: action.price, name, 'idempotency-key': `${user}-${name}`, ...(action.saga ? { items: { gadget: 1 }, address: { city: 'Exploreville' } } : {}) };
      orders.push(order);
      return { order, expect: { answer: [201, 202, 409, 422] }, eventually: RETRY };
    }
    if (!known || !('ref' in action)) return undefined;
    const order = orders[action.ref % known];
    if (action.op === 'repeat') return { order: { ...order }, expect: { answer: [200, 201, 202, 409, 422] }, eventually: RETRY };
    if (action.op === 'cancel') return { cancel: { user: order.user, order: order.name } };
    if (action.op === 'received') return { received: { user: order.user, order: order.name } };
    return { 'order-status': { user: order.user, order: order.name } };
  };
  for (const op of w.ops) {
    if (op.op === 'fault') steps.push(faultStep(op.fault));
    else if (op.op === 'together') {
      const known = orders.length;
      const parts = op.actions.map((a) => stepOf(a, known)).filter((s): s is Record<string, unknown> => !!s);
      if (parts.length > 1) steps.push({ together: parts });
      else if (parts.length === 1) steps.push(parts[0]);
    } else {
      const step = stepOf(op, orders.length);
      if (step) steps.push(step);
    }
  }
  // The history cannot change any more: judged once; the state is given time to settle.
  steps.push({ check: [...EXPLORE_CHECKS.history] });
  steps.push({ recover: 'now' });
  steps.push({ check: [...EXPLORE_CHECKS.state], eventually: SETTLE });
  // The history again, with the settled state's reads in it: a status shown at the end must follow from the earlier ones.
  steps.push({ check: [...EXPLORE_CHECKS.history] });
  return {
    title,
    description: 'Drawn by orderctl explore: customers act and faults come and go; at the end every invariant and every history rule must hold.',
    catalog: [{ sku: 'gadget', available: 3 }],
    zones: [{ city: 'Exploreville', couriers: 1 }],
    steps,
  };
}
