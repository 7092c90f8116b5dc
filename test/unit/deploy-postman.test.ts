import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { postmanCollection } from '../../src/deploy/postman.js';
import { afterResponse, answerProblems, stateProblems, type SandboxSnapshot } from '../../src/deploy/postman-sandbox.js';
import { check, expectationFor } from '../../src/scenarios/expectations.js';
import { judge } from '../../src/scenarios/invariants.js';
import { loadScenarios } from '../../src/scenarios/load.js';
import { stepTraitsOf } from '../../src/scenarios/scenario-schema.js';
import { findVariant, variants } from '../../src/variants/index.js';

const scenarios = await loadScenarios();
/** Every expectation a built-in scenario has on any built-in style (timing ones aside: a collection gets them in ms). */
const expectations = variants.flatMap((v) =>
  scenarios.flatMap((s) => s.steps.map((step) => expectationFor(step.expect, step.except, v.name, stepTraitsOf(v)))).filter((e) => Object.keys(e).length && !('waited-at-least' in e)),
);

/** An answer near what `expected` asks: the very values, or some of them spoiled. */
const answerNear = (expected: Record<string, unknown>) =>
  fc.record({
    status: fc.oneof(fc.constant(Array.isArray(expected.answer) ? (expected.answer as number[])[0] : ((expected.answer as number) ?? 200)), fc.constantFrom(200, 201, 202, 204, 404, 422)),
    body: fc.oneof(
      fc.constant({ ...expected, message: String(expected.message ?? '') }),
      fc.constant(Array.from({ length: (expected.count as number) ?? 1 }, () => expected.latest ?? {})),
      fc.constant({ ...expected, status: 'something else', amount: -1 }),
      fc.constant(undefined),
      fc.dictionary(fc.constantFrom('status', 'amount', 'price', 'message', 'history'), fc.constantFrom('succeeded', 'failed', 400, 600, 'not enough money', [{ status: 'created' }])),
    ),
  });

describe('the collection checks what the scenario runner checks', () => {
  test('answerProblems holds exactly when the runner\'s check() holds, key by key, for every expectation of the scenarios', () => {
    expect(expectations.length).toBeGreaterThan(50);
    for (const expectation of expectations) {
      fc.assert(
        fc.property(answerNear(expectation), ({ status, body }) => {
          for (const key of Object.keys(expectation)) {
            const one = { [key]: expectation[key] };
            expect(answerProblems(one, status, body).length === 0, `${key} of ${JSON.stringify(expectation)} on ${status} ${JSON.stringify(body)}`).toBe(check(one, status, body).problems.length === 0);
          }
        }),
        { numRuns: 25 },
      );
    }
  });

  const order = fc.record({
    id: fc.uuid(),
    price: fc.constantFrom(5, 10, 20.5),
    status: fc.constantFrom('pending', 'succeeded', 'failed', 'created', 'paid', 'reserved', 'delivering', 'done', 'cancelled'),
    items: fc.option(fc.constant<{ sku: string; quantity: number }[]>([{ sku: 'book', quantity: 1 }]), { nil: undefined }),
    history: fc.option(fc.array(fc.record({ status: fc.constantFrom('created', 'paid', 'reserved', 'delivering', 'done', 'cancelled') }), { maxLength: 5 }), { nil: undefined }),
  });
  const snapshot = fc.record({
    alias: fc.constantFrom('alice', 'bob'),
    depositedCents: fc.constantFrom(0, 1000, 2050),
    withdrawnCents: fc.constantFrom(0, 500),
    balanceCents: fc.constantFrom(0, 500, 1000, 1550),
    orders: fc.array(order, { maxLength: 3 }),
    notifications: fc.constant([] as { orderId?: string }[]),
  }).chain((u) => fc.subarray(u.orders.map((o) => o.id)).map((told) => ({ ...u, notifications: told.map((orderId) => ({ orderId })) })));

  test.each(['money-conserved', 'orders-final', 'sagas-final', 'one-notification-per-order'] as const)('stateProblems judges %s as the runner\'s judge() does', (invariant) => {
    fc.assert(
      fc.property(fc.array(snapshot, { minLength: 1, maxLength: 2 }), (users) => {
        expect(stateProblems([invariant], users as SandboxSnapshot[]).length === 0).toBe(judge([invariant], users).problems.length === 0);
      }),
      { numRuns: 300 },
    );
  });
});

/** A stand-in for Postman's `pm`: the variables, the answer, and what the script asked of the run. */
function fakePm(step: object, answer: { code: number; body?: unknown }) {
  const collection = new Map<string, string>([['orderctl.state', JSON.stringify({ users: { alice: { email: 'a', password: 'p', depositedCents: 0, withdrawnCents: 0, movedKeys: [] } }, orders: {} })]]);
  const tests: { name: string; error?: string }[] = [];
  const next: string[] = [];
  const pm = {
    variables: { get: () => JSON.stringify(step), replaceIn: (s: string) => s },
    collectionVariables: { get: (k: string) => collection.get(k), set: (k: string, v: string) => void collection.set(k, v) },
    response: { code: answer.code, responseTime: 5, text: () => (answer.body === undefined ? '' : JSON.stringify(answer.body)), json: () => answer.body },
    info: { requestId: 'req-1' },
    execution: { setNextRequest: (id: string) => void next.push(id) },
    test: (name: string, fn: () => void) => {
      try {
        fn();
        tests.push({ name });
      } catch (error) {
        tests.push({ name, error: (error as Error).message });
      }
    },
  };
  return { pm, tests, next, collection };
}

describe('the collection\'s test script', () => {
  test('a step with `eventually` that does not hold yet is sent again, without a test; once its time is up, it fails', () => {
    const step = { title: 'balance of alice', action: 'balance', args: { user: 'alice' }, expect: { amount: 400 }, eventuallyMs: 60_000 };
    const early = fakePm(step, { code: 200, body: { amount: 0 } });
    afterResponse(early.pm);
    expect(early.next).toEqual(['req-1']);
    expect(early.tests).toEqual([]);
    const late = fakePm({ ...step, eventuallyMs: 1 }, { code: 200, body: { amount: 0 } });
    late.collection.set('orderctl.retry', JSON.stringify({ id: 'req-1', since: Date.now() - 10 }));
    afterResponse(late.pm);
    expect(late.next).toEqual([]);
    expect(late.tests).toEqual([{ name: 'balance of alice', error: 'amount: expected 400, got 0' }]);
  });

  test('a deposit answered 204 counts once per Idempotency-Key in the ledger money-conserved is judged on', () => {
    const step = { title: 'deposit', action: 'deposit', args: { user: 'alice', amount: 10.5, key: 'k1' }, expect: { answer: 204 } };
    const first = fakePm(step, { code: 204 });
    afterResponse(first.pm);
    const again = fakePm(step, { code: 204 });
    again.collection.set('orderctl.state', first.collection.get('orderctl.state')!);
    afterResponse(again.pm);
    expect(JSON.parse(again.collection.get('orderctl.state')!).users.alice.depositedCents).toBe(1050);
    expect(again.tests).toEqual([{ name: 'deposit' }]);
  });

  test('a scenario is left out at the first step the public API cannot carry, the others are kept; `only` steps of other styles are dropped', async () => {
    const http = await postmanCollection(findVariant('http'), scenarios);
    const hybrid = await postmanCollection(findVariant('hybrid'), scenarios);
    expect(http.leftOut).toContainEqual({ scenario: 'fault-billing-slow', step: 3, reason: expect.stringContaining('latency: a fault') });
    expect(http.leftOut).toContainEqual({ scenario: 'bad-input', step: 38, reason: expect.stringContaining('expired token') });
    // http sends nothing through a broker: the broker cut is `only: [uses-broker]`, so the rest of that scenario is sent.
    expect(http.included.map((s) => s.scenario)).toContain('fault-broker-cut');
    expect(hybrid.leftOut.map((l) => l.scenario)).toContain('fault-broker-cut');
    // hybrid pushes an order's outcome on a stream newman does not read; http's customer reads the order.
    expect(hybrid.leftOut).toContainEqual({ scenario: 'told-by-push', step: 6, reason: expect.stringContaining('server-sent events') });
    expect(http.included.map((s) => s.scenario)).toContain('told-by-push');
    expect(http.included.length + http.leftOut.length).toBe(scenarios.length);
  });
});
