import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AmqpTransport } from '../../src/broker/amqp-transport.js';
import type { Delivery } from '../../src/broker/transport.js';
import { messageTypes } from '../../src/faults/message-types.js';
import { loadScenario, loadScenarios, pickScenarios } from '../../src/scenarios/load.js';
import { runScenario, type ScenarioResult } from '../../src/scenarios/runner.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { bootProcesses } from '../../src/system/process-system.js';
import { findVariant, variants } from '../../src/variants/index.js';
import { usesBroker, type Variant } from '../../src/variants/variant.js';
import { eventually } from '../support/eventually.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

// Every fault step, put on and taken off, in one short scenario run on every style in one process,
// and on two styles with one OS process per service over RabbitMQ (crashes are a SIGKILL there).
const EVERY_FAULT = `title: Every fault step, briefly
steps:
  - register: fay
    expect: { answer: 201 }
  - login: fay
  - deposit: { user: fay, amount: 100 }
    expect: { answer: 204 }
    eventually: 2s

  - latency: { service: billing, ms: 100 }
  - balance: fay
    expect: { amount: 100, waited-at-least: 100ms }
  - latency: { service: billing, ms: 0 }

  - fail: { service: billing, share: 50% }
  - balance: fay
    expect: { answer: 503, message: a fault the scenario injected }
  - balance: fay
    expect: { answer: 200, amount: 100 }
  - fail: { service: billing, share: 0% }

  - stop: notification
    for: 300ms
  - notifications: fay
    expect: { answer: 502 }
  - notifications: fay
    expect: { answer: 200 }
    eventually: 5s

  - broker: down
    for: 300ms
    only: [uses-broker]
  - order: { user: fay, price: 10, name: one, idempotency-key: fay-one }
    expect: { answer: [201, 202] }
    eventually: 5s
  - latency: { broker: true, ms: 20 }
    only: [uses-broker]
  - late: { message: all, ms: 30 }
    only: [uses-broker]
  - duplicate: { message: all }
    only: [uses-broker]
  - drop: { message: OrderFailed, share: 50% }
    only: [uses-broker]
  - order: { user: fay, price: 500, name: two }
    expect: { answer: 422 }
    except:
      answers-orders-later: { answer: 202 }
  - order-status: { user: fay, order: two }
    expect: { status: failed }
    eventually: 10s
  - notifications: fay
    expect: { count: 2 }
    eventually: 10s
  - latency: { broker: true, ms: 0 }
    only: [uses-broker]
  - late: { message: all, ms: 0 }
    only: [uses-broker]
  - duplicate: { message: all, share: 0% }
    only: [uses-broker]
  - drop: { message: OrderFailed, share: 0% }
    only: [uses-broker]

  - crash: { service: identity, at: after-commit }
  - register: gus
    expect: { answer: [201, 502, 504] }
  - login: gus
    expect: { answer: 200 }
  - crash: { service: identity, at: before-publish }
  - register: hal
    expect: { answer: [201, 502, 504] }
  - login: hal
    expect: { answer: 200 }
  - crash: { service: notification, at: now }
  - notifications: fay
    expect: { answer: 200 }

  - balance: gus
    expect: { amount: 0 }
    eventually: 15s
  - balance: hal
    expect: { amount: 0 }
    eventually: 15s
  - check: [money-conserved, orders-final, one-notification-per-order]
    eventually: 15s
`;

// Faults put on and never ended, a step that does not hold, a crash whose point is never reached, a
// message the style may not send: all taken off when the scenario ends.
const LEFT_ON = `title: Faults left on, and a step that does not hold
steps:
  - register: ivo
  - login: ivo
  - stop: billing
  - latency: { service: order, ms: 2000 }
  - fail: { service: identity, share: 100% }
  - broker: down
    only: [uses-broker]
  - late: { message: all, ms: 5000 }
    only: [uses-broker]
  - crash: { service: stock, at: before-publish }
  - drop: { message: PaymentRequired, share: 10% }
  - balance: ivo
    expect: { answer: 200 }
`;

const dir = mkdtempSync(join(tmpdir(), 'orderctl-fault-steps-'));
const scenario = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return loadScenario(join(dir, name));
};
const everyFault = await scenario('every-fault.yaml', EVERY_FAULT);
const leftOn = await scenario('left-on.yaml', LEFT_ON);
const [happyPath] = pickScenarios(await loadScenarios(), ['happy-path']);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failures = (result: ScenarioResult) => result.steps.filter((s) => !s.passed).map((s) => `step ${s.index} ${s.title}: ${s.problems.join('; ')}`);

/** What the recording shows each broker fault did: a publish refused and sent again, copies recognised, and only the style's own message types. */
function brokerFaultsSeen(system: RunningSystem, variant: Variant) {
  const hops = system.recorder.all();
  const published = new Set(hops.filter((h) => h.kind === 'publish').map((h) => h.label));
  return {
    droppedAndSentAgain: hops.some((h) => h.kind === 'publish' && h.label === 'OrderFailed' && h.outcome === 'error') && hops.some((h) => h.kind === 'publish' && h.label === 'OrderFailed' && h.outcome !== 'error'),
    duplicatesRecognised: hops.some((h) => h.kind === 'consume' && h.outcome === 'duplicate'),
    unknownTypes: [...published].filter((type) => !messageTypes(variant).includes(type)),
  };
}

describe.each(variants.map((v) => [v.name, v] as const))('every fault step on %s, in one process', (_name, variant) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant });
  });
  afterAll(() => system?.close());

  test('each fault is put on and taken off as the steps say, and every invariant holds afterwards', async () => {
    expect(failures(await runScenario(system, everyFault))).toEqual([]);
    if (usesBroker(variant)) expect(brokerFaultsSeen(system, variant)).toEqual({ droppedAndSentAgain: true, duplicatesRecognised: true, unknownTypes: [] });
  });

  test('faults left on, with a step that fails: all taken off at the end, and the next scenario finds the system healthy', async () => {
    const result = await runScenario(system, leftOn);
    const expected = [
      ...(variant.name === 'event-notification' ? [] : [expect.stringMatching(usesBroker(variant) ? /drop 10% of PaymentRequired .*: .* never sends PaymentRequired: it sends .*; add only:/ : /drop .*: http uses no broker, so there is nothing to drop .*: add only: \[uses-broker\]/)]),
      expect.stringMatching(/step 10 balance of ivo: answer: expected 200, got 502/),
    ];
    // The crash step comes first: it fails once the run is over, its crash never having happened.
    expect(failures(result)).toEqual([expect.stringMatching(/crash stock at before-publish.*: the crash never happened: no later step made stock reach before-publish/), ...expected]);
    expect(system.stopped()).toEqual([]);
    const next = await runScenario(system, happyPath);
    expect(failures(next)).toEqual([]);
  });
});

describe.each(['event-collaboration', 'hybrid'].map((name) => [name, findVariant(name)] as const))('every fault step on %s, one process per service over RabbitMQ', (_name, variant) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootProcesses({ variant, broker: await rabbitmqUrl() });
  }, 120_000);
  afterAll(() => system?.close());

  test('each fault is put on and taken off in every process concerned; a crash is a SIGKILL and a restart', async () => {
    const before = system.processes!();
    expect(failures(await runScenario(system, everyFault))).toEqual([]);
    expect(brokerFaultsSeen(system, variant)).toEqual({ droppedAndSentAgain: true, duplicatesRecognised: true, unknownTypes: [] });
    const after = system.processes!();
    const killed = after.filter((p) => !p.alive).map((p) => p.service).sort();
    expect(killed).toEqual(['identity', 'identity', 'notification']);
    expect(after.filter((p) => p.alive)).toHaveLength(before.length);
  });

  test('faults left on are all taken off at the end, in every process', async () => {
    const result = await runScenario(system, leftOn);
    expect(result.passed).toBe(false);
    expect(system.stopped()).toEqual([]);
    expect(failures(await runScenario(system, happyPath))).toEqual([]);
  });
});

test('RabbitMQ severed: the connection is lost at once, no reconnection until mended, then everything resumes and what was unacked comes again', async () => {
  const transport = await AmqpTransport.connect(await rabbitmqUrl());
  try {
    const changes: boolean[] = [];
    transport.watch((c) => changes.push(c.up));
    const seen: Delivery[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await transport.subscribe('g', ['T'], async (d) => {
      seen.push(d);
      if (d.data === 'held' && seen.length === 1) await held;
    });
    const message = (data: string) => ({ id: data, type: 'T', source: 'test', time: new Date().toISOString(), data, headers: {} });
    await transport.publish(message('held'));
    await eventually('the held delivery', () => seen.length, (n) => n > 0);
    transport.sever();
    const publishing = transport.publish(message('during'));
    release();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(changes).toEqual([false]);
    expect(seen.map((d) => d.data)).toEqual(['held']);
    transport.mend();
    await publishing;
    await eventually('three deliveries after the mend', () => seen.map((d) => `${d.data} ${d.attempt}`), (got) => got.length >= 3);
    expect(changes).toEqual([false, true]);
    expect(seen.map((d) => `${d.data} ${d.attempt}`).sort()).toEqual(['during 1', 'held 1', 'held 2']);
  } finally {
    await transport.close();
  }
});
