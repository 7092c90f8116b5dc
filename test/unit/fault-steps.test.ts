import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Share } from '../../src/faults/fault.js';
import { endOf, faultKey, faultTitle, type FaultAction } from '../../src/faults/fault-steps.js';
import { knownMessageTypes, messageTypes } from '../../src/faults/message-types.js';
import { loadScenario } from '../../src/scenarios/load.js';
import { findVariant, variants } from '../../src/variants/index.js';

const dir = mkdtempSync(join(tmpdir(), 'orderctl-fault-steps-'));
afterAll(() => rmSync(dir, { recursive: true }));
let n = 0;
const load = (steps: string) => {
  const file = join(dir, `s${++n}.yaml`);
  writeFileSync(file, `title: t\nsteps:\n  - register: zoe\n${steps}`);
  return loadScenario(file);
};

describe('fault steps as a scenario file writes them', () => {
  test('each step becomes what the system is asked to do; the zero of a fault ends it, and `for` is kept', async () => {
    const scenario = await load(
      [
        '  - stop: notification\n    for: 3s',
        '  - start: notification',
        '  - latency: { service: billing, ms: 200 }',
        '  - latency: { broker: true, ms: 50 }',
        '  - broker: down\n    for: 1s\n    only: [uses-broker]',
        '  - late: { message: PaymentCreated, ms: 500 }',
        '  - duplicate: { message: all }',
        '  - drop: { message: OrderCreated, share: 50% }',
        '  - fail: { service: billing, share: 0.25 }',
        '  - crash: { service: identity, at: after-commit }',
      ].join('\n') + '\n',
    );
    const faults = scenario.steps.slice(1).map((s) => s.args as { action: FaultAction; lasting?: string });
    expect(faults.map((f) => f.action)).toEqual([
      { kind: 'stop', service: 'notification' },
      { kind: 'start', service: 'notification' },
      { kind: 'latency', service: 'billing', ms: 200 },
      { kind: 'fault', fault: { kind: 'broker-latency', ms: 50 } },
      { kind: 'fault', fault: { kind: 'broker-cut', on: true } },
      { kind: 'fault', fault: { kind: 'late', message: 'PaymentCreated', ms: 500 } },
      { kind: 'fault', fault: { kind: 'duplicate', message: 'all', share: 1 } },
      { kind: 'fault', fault: { kind: 'drop', message: 'OrderCreated', share: 0.5 } },
      { kind: 'fault', fault: { kind: 'fail', service: 'billing', share: 0.25 } },
      { kind: 'fault', fault: { kind: 'crash', service: 'identity', at: 'after-commit' } },
    ]);
    expect(faults[0].lasting).toBe('3s');
    expect(scenario.steps[5].only).toEqual(['uses-broker']);
    expect(faults.map((f) => endOf(f.action))).toEqual([
      { kind: 'start', service: 'notification' },
      undefined,
      { kind: 'latency', service: 'billing', ms: 0 },
      { kind: 'fault', fault: { kind: 'broker-latency', ms: 0 } },
      { kind: 'fault', fault: { kind: 'broker-cut', on: false } },
      { kind: 'fault', fault: { kind: 'late', message: 'PaymentCreated', ms: 0 } },
      { kind: 'fault', fault: { kind: 'duplicate', message: 'all', share: 0 } },
      { kind: 'fault', fault: { kind: 'drop', message: 'OrderCreated', share: 0 } },
      { kind: 'fault', fault: { kind: 'fail', service: 'billing', share: 0 } },
      undefined,
    ]);
    // A step and the one that ends it are the same fault.
    expect(faultKey(faults[0].action)).toBe(faultKey(faults[1].action));
    expect(faults.map((f) => faultTitle(f.action, f.lasting))).toEqual([
      'stop notification for 3s',
      'start notification again',
      'billing 200 ms slower',
      'every delivery 50 ms late',
      'cut the broker for 1s',
      'PaymentCreated 500 ms late',
      'every message on the broker twice',
      'drop 50% of OrderCreated at publish',
      'billing fails 25% of its requests (503)',
      'crash identity at after-commit, then start it again',
    ]);
  });

  test.each([
    ['  - stop: billng\n', 'step 2 (stop): "billng" is not a service a fault may hit (did you mean "billing"?): identity, billing, order, notification, stock, delivery'],
    ['  - stop: gateway\n', 'step 2 (stop): the gateway cannot be faulted'],
    ['  - crash: { service: identity, at: aftercommit }\n', 'step 2 (crash): at "aftercommit" is not a crash point (did you mean "after-commit"?)'],
    ['  - drop: { message: OrderCreatd, share: 50% }\n', 'step 2 (drop): unknown message type "OrderCreatd" (did you mean "OrderCreated"?)'],
    ['  - fail: { service: billing, share: 150% }\n', 'step 2 (fail): share must be a percentage from 0% to 100%'],
    ['  - latency: { servce: billing, ms: 200 }\n', 'step 2 (latency): unknown key "servce" (did you mean "service"?)'],
    ['  - broker: cut\n', 'step 2 (broker): "cut" is not what the broker can be: down, up'],
    ['  - start: billing\n    for: 3s\n', 'step 2 (start): for: only a step that puts a fault on can last a while; this one ends one'],
    ['  - latency: { service: billing, ms: 0 }\n    for: 3s\n', 'this one ends one'],
    ['  - crash: { service: order, at: now }\n    for: 3s\n', 'this one fires once'],
    ['  - stop: billing\n    for: soon\n', 'step 2 (stop): for: not a duration: "soon"'],
    ['  - login: zoe\n    for: 2s\n', 'step 2 (login): for: only a fault step lasts a while'],
    ['  - stop: billing\n    expect: { answer: 200 }\n', 'step 2 (stop): expect: a fault step expects nothing of the system'],
    ['  - stop: billing\n    eventually: 2s\n', 'eventually: a fault step expects nothing'],
    ['  - broker: down\n    only: [uses-brokr]\n', /step 2 \(broker\): only: uses-brokr is neither a trait nor a style \(known: .*uses-broker.*\); did you mean uses-broker\?/],
  ])('refused when the file loads: %s', async (steps, message) => {
    await expect(load(steps)).rejects.toThrow(message);
  });
});

test('a share is taken evenly and the same way every time, the first call included', () => {
  const take = (share: number, times: number) => {
    const s = new Share(share);
    return Array.from({ length: times }, () => (s.take() ? 1 : 0)).join('');
  };
  expect(take(0.5, 6)).toBe('101010');
  expect(take(1, 3)).toBe('111');
  expect(take(0, 3)).toBe('000');
  expect(take(0.25, 8)).toBe('10001000');
  expect(take(0.3, 10).split('').filter((c) => c === '1')).toHaveLength(3);
});

test('the message types each style puts on the broker, by its own names', () => {
  expect(messageTypes(findVariant('http'))).toEqual([]);
  expect(messageTypes(findVariant('sync-billing'))).toEqual(['OrderCompleted', 'OrderFailed']);
  expect(messageTypes(findVariant('event-notification'))).toEqual(expect.arrayContaining(['CreateOrder', 'PaymentRequired', 'OrderCreated', 'OrderAnswered', 'RegistrationFailed', 'StartDelivery']));
  expect(messageTypes(findVariant('event-notification'))).not.toContain('CreatePayment');
  expect(messageTypes(findVariant('choreography'))).toEqual(expect.arrayContaining(['OrderCreated', 'OrderPaid', 'OrderReserved', 'OrderDelivering', 'OrderDone', 'OrderCancelled', 'OrderCompleted']));
  expect(knownMessageTypes()).toEqual([...new Set(variants.flatMap(messageTypes))].sort());
});
