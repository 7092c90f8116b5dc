import chalk from 'chalk';
import { FINAL_STATES, SAGA, type SagaState, type SagaTransition } from '../services/ordering/order-saga.js';

/** An order the walk placed (or a scenario step did): who owns it, whether it runs the saga, and how it looked when last read. */
export interface Placed {
  name: string;
  user: string;
  saga: boolean;
  /** The order as the public API last showed it. */
  last?: PublicOrder;
}

/** An order as `GET /ordering/orders/{id}` shows it (a saga's with items, address and history). */
export interface PublicOrder {
  id: string;
  price: number;
  status: string;
  reason?: string;
  items?: { sku: string; quantity: number }[];
  address?: { city: string; street: string };
  history?: { status: string; at: string }[];
}

/** Is the order over (done or cancelled)? An order never read yet is not. */
export const isOver = (p: Placed) => FINAL_STATES.includes(p.last?.status as SagaState);

const CUSTOMER = 'customer cancels';

/** The saga's moves out of `state`, from its table: the way forward first. */
const movesFrom = (state: string) => SAGA.filter((t) => t.from === state).sort((a, b) => Number(a.to === 'cancelled') - Number(b.to === 'cancelled'));

const move = (t: SagaTransition) => `${t.to} (${t.on}${t.compensate ? `; undo: ${t.compensate.join(', ')}` : ''})`;

/** What was undone when the order was cancelled: the table's compensations for the move it took. */
function undone(order: PublicOrder): string[] {
  const from = order.history?.at(-2)?.status;
  const byCustomer = order.reason === 'cancelled by the customer';
  const step = SAGA.find((t) => t.from === from && t.to === 'cancelled' && (t.on === CUSTOMER) === byCustomer);
  return step?.compensate ?? [];
}

/** Is the order's saga stalled: not over, and what moves it on next is a step of the system's, not the customer's? */
export const isStalled = (p: Placed) => p.saga && !!p.last && !isOver(p) && !movesFrom(p.last.status)[0]?.on.startsWith('customer');

/** One line: the states the order went through, and what comes next or how it ended. */
export function sagaLine(name: string, order: PublicOrder): string {
  const path = (order.history ?? [{ status: order.status }]).map((h) => h.status).join(' → ');
  if (order.status === 'cancelled') return `${chalk.bold(name)}: ${path} ${chalk.red(`(${order.reason ?? 'cancelled'}; undone: ${undone(order).join(', ') || 'nothing'})`)}`;
  if (order.status === 'done') return `${chalk.bold(name)}: ${path} ${chalk.green('(done)')}`;
  const next = movesFrom(order.status)[0];
  return `${chalk.bold(name)}: ${path}${next ? chalk.dim(` — next: ${move(next)}`) : ''}`;
}

/** The whole saga of one order: what it holds, each state with its time, and every way it may go from here. */
export function sagaView(placed: Placed, order: PublicOrder): string {
  const goods = (order.items ?? []).map((l) => `${l.quantity} ${l.sku}`).join(', ');
  const lines = [`${chalk.bold(placed.name)} of ${placed.user}: ${goods}${order.address ? ` to ${order.address.city}, ${order.address.street}` : ''}, price ${order.price}`];
  const history = order.history ?? [];
  history.forEach((h, i) => lines.push(`  ${h.status.padEnd(11)} ${chalk.dim(h.at)}${i === history.length - 1 ? chalk.bold('  ← now') : ''}`));
  if (order.status === 'cancelled') lines.push(chalk.red(`Cancelled: ${order.reason ?? 'no reason given'}; undone: ${undone(order).join(', ') || 'nothing (nothing was done yet)'}.`));
  else if (order.status === 'done') lines.push(chalk.green('Done: the customer has the goods.'));
  else lines.push(`From here: ${movesFrom(order.status).map(move).join('; ')}.`);
  return lines.join('\n');
}
