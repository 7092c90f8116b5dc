/** Where an order of the saga stands. */
export const SAGA_STATES = ['created', 'paid', 'reserved', 'delivering', 'done', 'cancelled'] as const;
export type SagaState = (typeof SAGA_STATES)[number];

/** What is undone when a saga is cancelled past a step: the payment refunded, the reservation released, the goods brought back. */
export type Compensation = 'refund' | 'release' | 'return';

/** One move of the saga: from a state to the next on an event, and what it undoes on the way to `cancelled`. */
export interface SagaTransition {
  from: SagaState;
  to: SagaState;
  on: string;
  compensate?: Compensation[];
}

/**
 * The order saga (order, payment, stock, delivery) as data: the code that runs it and the state
 * diagram in every run report are both read off this table, so they cannot disagree.
 */
export const SAGA: readonly SagaTransition[] = [
  { from: 'created', to: 'paid', on: 'payment taken' },
  { from: 'created', to: 'cancelled', on: 'payment failed' },
  { from: 'created', to: 'cancelled', on: 'customer cancels' },
  { from: 'paid', to: 'reserved', on: 'stock reserved' },
  { from: 'paid', to: 'cancelled', on: 'reservation failed', compensate: ['refund'] },
  { from: 'paid', to: 'cancelled', on: 'customer cancels', compensate: ['refund'] },
  { from: 'reserved', to: 'delivering', on: 'handed to delivery' },
  { from: 'reserved', to: 'cancelled', on: 'delivery failed', compensate: ['release', 'refund'] },
  { from: 'reserved', to: 'cancelled', on: 'customer cancels', compensate: ['release', 'refund'] },
  { from: 'delivering', to: 'done', on: 'customer confirms receipt' },
  { from: 'delivering', to: 'cancelled', on: 'customer cancels', compensate: ['return', 'refund'] },
];

/** Final states: nothing happens to the order after them. */
export const FINAL_STATES: readonly SagaState[] = ['done', 'cancelled'];

/** The transition an event makes from `state`, or undefined when the saga does not move that way from there. */
export function sagaStep(state: SagaState, on: string): SagaTransition | undefined {
  return SAGA.find((t) => t.from === state && t.on === on);
}

/** Can the customer still cancel an order in `state`? (No once it is done or cancelled.) */
export const cancellable = (state: SagaState) => sagaStep(state, 'customer cancels') !== undefined;

/** The saga as a Mermaid state diagram, generated from `SAGA` (never written by hand). */
export function sagaStateDiagram(): string {
  const id = (s: SagaState) => s;
  const lines = ['stateDiagram-v2', `  [*] --> ${id('created')}`];
  for (const t of SAGA) lines.push(`  ${id(t.from)} --> ${id(t.to)}: ${t.on}${t.compensate ? ` (undo: ${t.compensate.join(', ')})` : ''}`);
  for (const s of FINAL_STATES) lines.push(`  ${id(s)} --> [*]`);
  return `${lines.join('\n')}\n`;
}
