import fc from 'fast-check';
import { CRASH_POINTS, FAULT_SERVICES, type CrashPoint, type FaultService } from '../faults/fault.js';

/** A fault a run may put on, from the fault steps scenario files have. */
export type FaultPick =
  | { kind: 'stop' | 'fail'; service: FaultService; ms: number }
  | { kind: 'latency'; service: FaultService; ms: number; forMs: number }
  | { kind: 'broker-down'; ms: number }
  | { kind: 'late'; message: string; ms: number; forMs: number }
  | { kind: 'duplicate' | 'drop'; message: string; forMs: number }
  | { kind: 'crash'; service: FaultService; at: CrashPoint };

/** A customer's action. `ref` picks an order placed earlier (modulo how many there are). */
export type Action =
  | { op: 'deposit' | 'withdraw'; user: number; amount: number }
  | { op: 'order'; user: number; price: number; saga: boolean }
  | { op: 'repeat' | 'cancel' | 'received' | 'status'; ref: number };

/** One thing a run does: an action, actions sent at the same instant, or a fault. */
export type Op = Action | { op: 'together'; actions: Action[] } | { op: 'fault'; fault: FaultPick };

/** What one run does, drawn from its seed: how many customers, and their actions and the faults, in order. */
export interface Workload {
  customers: number;
  ops: Op[];
}

/** What a style lets a run fault: the message types its plan puts on the broker, and whether it has a broker at all. */
export interface FaultVocabulary {
  messages: readonly string[];
  broker: boolean;
}

const user = fc.integer({ min: 0, max: 2 });
const ms = (min: number, max: number) => fc.integer({ min, max }).map((n) => Math.round(n / 50) * 50);
const service = fc.constantFrom(...FAULT_SERVICES);

/** The faults a style can be given: every fault step, message faults on the messages its plan sends, broker cuts where it has a broker. */
export function faultArbitrary(vocabulary: FaultVocabulary): fc.Arbitrary<FaultPick> {
  const choices: fc.Arbitrary<FaultPick>[] = [
    fc.record({ kind: fc.constantFrom('stop' as const, 'fail' as const), service, ms: ms(200, 2_000) }),
    fc.record({ kind: fc.constant('latency' as const), service, ms: ms(50, 400), forMs: ms(200, 2_000) }),
    fc.record({ kind: fc.constant('crash' as const), service, at: fc.constantFrom(...CRASH_POINTS) }),
  ];
  if (vocabulary.broker) choices.push(fc.record({ kind: fc.constant('broker-down' as const), ms: ms(200, 1_500) }));
  if (vocabulary.messages.length) {
    const message = fc.constantFrom(...vocabulary.messages);
    choices.push(
      fc.record({ kind: fc.constant('late' as const), message, ms: ms(50, 800), forMs: ms(200, 2_000) }),
      fc.record({ kind: fc.constantFrom('duplicate' as const, 'drop' as const), message, forMs: ms(200, 2_000) }),
    );
  }
  return fc.oneof(...choices);
}

/** Runs of a style: 1 to 3 customers, up to `maxOps` actions and faults (about one in four a fault). */
export function workloadArbitrary(vocabulary: FaultVocabulary, maxOps = 12): fc.Arbitrary<Workload> {
  const ref = fc.nat({ max: 20 });
  const action: fc.Arbitrary<Action> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('deposit' as const, 'withdraw' as const), user, amount: fc.integer({ min: 1, max: 60 }) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('order' as const), user, price: fc.integer({ min: 1, max: 60 }), saga: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('repeat' as const, 'cancel' as const, 'received' as const, 'status' as const), ref }) },
  );
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 9, arbitrary: action },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('together' as const), actions: fc.array(action, { minLength: 2, maxLength: 3 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('fault' as const), fault: faultArbitrary(vocabulary) }) },
  );
  return fc.record({ customers: fc.integer({ min: 1, max: 3 }), ops: fc.array(op, { minLength: 1, maxLength: maxOps }) });
}

/** How many actions and faults a workload has. */
export const countOps = (w: Workload) => ({
  actions: w.ops.reduce((n, o) => n + (o.op === 'together' ? o.actions.length : o.op === 'fault' ? 0 : 1), 0),
  faults: w.ops.filter((o) => o.op === 'fault').length,
});
