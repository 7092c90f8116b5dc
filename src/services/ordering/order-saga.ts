/** Where an order of the saga stands. */
export const SAGA_STATES = ['created', 'paid', 'reserved', 'delivering', 'done', 'cancelled'] as const;
export type SagaState = (typeof SAGA_STATES)[number];

/** What is undone when a saga is cancelled past a step: the payment refunded, the reservation released, the goods brought back. */
export type Compensation = 'refund' | 'release' | 'return';

/** The events that move a saga, as its participants report them. */
export type SagaEvent =
  | 'payment taken'
  | 'payment failed'
  | 'stock reserved'
  | 'reservation failed'
  | 'handed to delivery'
  | 'delivery failed'
  | 'customer confirms receipt'
  | 'customer cancels';

/** One move of the saga: from a state to the next on an event, and what it undoes on the way to `cancelled`. */
export interface SagaTransition {
  from: SagaState;
  to: SagaState;
  on: SagaEvent;
  compensate?: Compensation[];
}

/**
 * The order saga (order, payment, stock, delivery) as data: the code that runs it and the state
 * diagram in every run report are both read off this table, so they cannot disagree. A customer's
 * cancel also undoes the step still on its way (a payment, reservation or delivery asked for and
 * not answered yet): each participant keeps the undo, so a late step finds it and does nothing.
 */
export const SAGA: readonly SagaTransition[] = [
  { from: 'created', to: 'paid', on: 'payment taken' },
  { from: 'created', to: 'cancelled', on: 'payment failed' },
  { from: 'created', to: 'cancelled', on: 'customer cancels', compensate: ['refund'] },
  { from: 'paid', to: 'reserved', on: 'stock reserved' },
  { from: 'paid', to: 'cancelled', on: 'reservation failed', compensate: ['refund'] },
  { from: 'paid', to: 'cancelled', on: 'customer cancels', compensate: ['release', 'refund'] },
  { from: 'reserved', to: 'delivering', on: 'handed to delivery' },
  { from: 'reserved', to: 'cancelled', on: 'delivery failed', compensate: ['release', 'refund'] },
  { from: 'reserved', to: 'cancelled', on: 'customer cancels', compensate: ['return', 'release', 'refund'] },
  { from: 'delivering', to: 'done', on: 'customer confirms receipt' },
  { from: 'delivering', to: 'cancelled', on: 'customer cancels', compensate: ['return', 'release', 'refund'] },
];

/** Final states: nothing happens to the order after them. */
export const FINAL_STATES: readonly SagaState[] = ['done', 'cancelled'];

/** The way forward when nothing fails, each state with the event that leads to it. */
export const HAPPY_PATH: readonly { state: SagaState; on: SagaEvent }[] = SAGA.filter((t) => t.to !== 'cancelled').map((t) => ({ state: t.to, on: t.on }));

/** The transition an event makes from `state`, or undefined when the saga does not move that way from there. */
export function sagaStep(state: SagaState, on: SagaEvent): SagaTransition | undefined {
  return SAGA.find((t) => t.from === state && t.on === on);
}

/** Can the customer still cancel an order in `state`? (No once it is done or cancelled.) */
export const cancellable = (state: SagaState) => sagaStep(state, 'customer cancels') !== undefined;

/** The saga as a Mermaid state diagram, generated from `SAGA` (never written by hand). */
export function sagaStateDiagram(): string {
  const lines = ['stateDiagram-v2', '  [*] --> created'];
  for (const t of SAGA) lines.push(`  ${t.from} --> ${t.to}: ${t.on}${t.compensate ? ` (undo: ${t.compensate.join(', ')})` : ''}`);
  for (const s of FINAL_STATES) lines.push(`  ${s} --> [*]`);
  return `${lines.join('\n')}\n`;
}
