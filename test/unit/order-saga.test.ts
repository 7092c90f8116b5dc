import { expect, test } from 'vitest';
import { cancellable, FINAL_STATES, SAGA, SAGA_STATES, sagaStateDiagram, sagaStep } from '../../src/services/ordering/order-saga.js';

test('the saga goes created → paid → reserved → delivering → done, and to cancelled with what each step must undo', () => {
  const path = ['payment taken', 'stock reserved', 'handed to delivery', 'customer confirms receipt'] as const;
  let state: (typeof SAGA_STATES)[number] = 'created';
  for (const on of path) state = sagaStep(state, on)!.to;
  expect(state).toBe('done');
  expect(sagaStep('paid', 'reservation failed')).toMatchObject({ to: 'cancelled', compensate: ['refund'] });
  expect(sagaStep('reserved', 'delivery failed')).toMatchObject({ to: 'cancelled', compensate: ['release', 'refund'] });
  // A cancel also undoes the step on its way (asked for, not answered yet): a reservation held after paid, a courier after reserved.
  expect(sagaStep('paid', 'customer cancels')).toMatchObject({ to: 'cancelled', compensate: ['release', 'refund'] });
  expect(sagaStep('delivering', 'customer cancels')).toMatchObject({ to: 'cancelled', compensate: ['return', 'release', 'refund'] });
  expect(sagaStep('done', 'customer cancels')).toBeUndefined();
  expect(SAGA_STATES.filter(cancellable)).toEqual(['created', 'paid', 'reserved', 'delivering']);
  // Every state is reachable from created, and every state but the final ones leads on.
  for (const s of SAGA_STATES) if (!FINAL_STATES.includes(s)) expect(SAGA.some((t) => t.from === s), s).toBe(true);
});

test('the state diagram is generated from the table: one arrow per transition, compensations named', () => {
  const diagram = sagaStateDiagram();
  expect(diagram.startsWith('stateDiagram-v2\n  [*] --> created\n')).toBe(true);
  for (const t of SAGA) expect(diagram).toContain(`  ${t.from} --> ${t.to}: ${t.on}`);
  expect(diagram).toContain('delivering --> cancelled: customer cancels (undo: return, release, refund)');
  expect(diagram.split('\n').filter((l) => l.includes('-->')).length).toBe(SAGA.length + 1 + FINAL_STATES.length);
});
