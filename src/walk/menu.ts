import type { Choice } from './asker.js';
import { isOver, type Placed } from './saga-view.js';

/** Every action the walk may offer. */
export type Menu =
  | 'step' | 'register' | 'login' | 'deposit' | 'withdraw' | 'order' | 'goods' | 'poll' | 'cancel' | 'received' | 'saga'
  | 'balance' | 'orders' | 'notifications' | 'stock' | 'diagram' | 'stop' | 'start' | 'latency' | 'recover' | 'switch' | 'quit';

/** What the walk knows when it offers the next action. */
export interface MenuState {
  placed: Placed[];
  running: number;
  stopped: number;
}

/** The saga's orders an action may take: cancel any not over, confirm receipt of those being delivered, show any. */
export function candidates(action: 'cancel' | 'received' | 'saga', placed: Placed[]): Placed[] {
  const saga = placed.filter((p) => p.saga).reverse();
  if (action === 'cancel') return saga.filter((p) => !isOver(p));
  if (action === 'received') return saga.filter((p) => p.last?.status === 'delivering');
  return saga;
}

/** The actions that make sense now: the saga's own once there is an order of the saga, start once a service is stopped. */
export function menuChoices(state: MenuState): Choice<Menu>[] {
  const all: [Menu, string, boolean?][] = [
    ['step', 'Next step of a scenario'],
    ['register', 'Register a user'],
    ['login', 'Log in'],
    ['deposit', 'Deposit'],
    ['withdraw', 'Withdraw'],
    ['order', 'Place an order'],
    ['goods', 'Order goods to an address (runs the saga)'],
    ['poll', 'Poll an order', state.placed.length > 0],
    ['cancel', 'Cancel an order', candidates('cancel', state.placed).length > 0],
    ['received', 'Confirm an order received', candidates('received', state.placed).length > 0],
    ['saga', "Show an order's saga", candidates('saga', state.placed).length > 0],
    ['balance', 'Show balance'],
    ['orders', 'Show orders'],
    ['notifications', 'Show notifications'],
    ['stock', 'Show stock'],
    ['diagram', 'Draw the last action as a sequence diagram'],
    ['stop', 'Stop a service', state.running > 0],
    ['start', 'Start a service', state.stopped > 0],
    ['latency', 'Add latency to a service'],
    ['recover', 'Run the recovery pass now'],
    ['switch', 'Switch style'],
    ['quit', 'Quit'],
  ];
  return all.filter(([, , offered]) => offered !== false).map(([value, name]) => ({ value, name }));
}
