import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AmqpTransport } from '../../src/broker/amqp-transport.js';
import { loadScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import type { Scenario } from '../../src/scenarios/scenario-schema.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { planOf } from '../../src/system/links/index.js';
import { PlanRefused } from '../../src/system/plan.js';
import { declarationSpace, shapeLabel, type Shape } from '../../src/variants/declaration-space.js';
import { LINKS, linkOf, usesBroker, type Variant } from '../../src/variants/variant.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

// Every shape a style file can declare, from the schema itself: each is refused with a reason or
// accepted; every accepted one is booted (in process, in-process broker) and must carry a plain order,
// a saga to its end and a saga cancelled after payment, with money, stock, every saga's end and one
// notification per order checked. Shapes that wire the same way (the saga unset or orchestration, a
// saga link unset or declared as the payment's) share one boot.
const space = declarationSpace();
/** The order-status channel opens with OrderCreated, so a choreography names its outcome event otherwise. */
const asVariant = (shape: Shape, name: string): Variant => ({ name, summary: 'a shape of the declaration space', ...shape, ...(shape.saga === 'choreography' ? { names: { OrderCreated: 'OrderCompleted' } } : {}) });
const verdicts = space.map((shape) => {
  try {
    planOf(asVariant(shape, 'shape'));
    return { shape, refused: undefined };
  } catch (error) {
    return { shape, refused: error as Error };
  }
});
const accepted = verdicts.filter((v) => !v.refused).map((v) => v.shape);
const wiring = (v: Shape) => [v.commands, v.events, v.saga ?? 'orchestration', ...LINKS.map((l) => linkOf(v, l))].join(' ');
const distinct = [...new Map(accepted.map((s) => [wiring(s), s])).values()];

test(`the declaration space: ${space.length} shapes, ${accepted.length} accepted (${distinct.length} distinct wirings), ${space.length - accepted.length} refused with a reason`, () => {
  // commands × events × saga (unset, orchestration, choreography) × each link's ways (reservation and dispatch may be unset).
  expect(space).toHaveLength(2 * 2 * 3 * 2 * 2 * 2 * 2 * 3 * 3);
  expect(new Set(space.map(shapeLabel)).size).toBe(space.length);
  for (const { refused } of verdicts.filter((v) => v.refused)) {
    expect(refused).toBeInstanceOf(PlanRefused);
    expect(refused!.message).toMatch(/^variant shape: [\w.[\]]+: [^\n]+$/);
  }
  // Each way of each link is accepted in some shape: no choice of the schema is refused outright.
  for (const link of LINKS) for (const way of new Set(space.map((s) => s.links[link]))) expect(accepted.some((s) => s.links[link] === way), `${link}: ${way}`).toBe(true);
  expect(accepted.some((s) => s.saga === 'choreography')).toBe(true);
});

let scenario: Scenario;
beforeAll(async () => {
  scenario = await loadScenario(join(import.meta.dirname, '../fixtures/every-shape.yaml'));
});

/** Runs the fixture scenario on a booted shape and returns its failed steps (none expected). */
async function failures(system: RunningSystem): Promise<string[]> {
  const result = await runScenario(system, scenario);
  return result.steps.filter((s) => !s.passed).map((s) => `step ${s.index} ${s.title}: ${s.problems.join('; ')}`);
}

describe.concurrent.each(distinct.map((s) => [shapeLabel(s), s] as const))('%s, in process', (label, shape) => {
  test('a plain order, a saga to its end and one cancelled after payment; every invariant holds', async () => {
    const system = await bootSystem({ variant: asVariant(shape, 'shape'), recovery: { graceMs: 3_600_000 } });
    try {
      expect(await failures(system), label).toEqual([]);
    } finally {
      await system.close();
    }
  });
});

/** A small deterministic generator, so a sample is the same run after run (ORDERCTL_SHAPE_SEED picks another). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const SEED = Number(process.env.ORDERCTL_SHAPE_SEED ?? 20261206);
const random = seeded(SEED);
const onBroker = distinct.filter((s) => usesBroker(asVariant(s, 'x')));
const sample = Array.from({ length: 6 }, () => onBroker.splice(Math.floor(random() * onBroker.length), 1)[0]);

describe.each(sample.map((s) => [shapeLabel(s), s] as const))(`%s, on RabbitMQ (sample of seed ${SEED})`, (label, shape) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant: asVariant(shape, 'shape'), transport: await AmqpTransport.connect(await rabbitmqUrl()), recovery: { graceMs: 3_600_000 } });
  });
  afterAll(() => system?.close());

  test('a plain order, a saga to its end and one cancelled after payment; every invariant holds', async () => {
    expect(await failures(system), label).toEqual([]);
  });
});
