import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadScenarios } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import type { RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { variantsPlaced } from '../support/transports.js';

const scenarios = await loadScenarios();

describe.each(variantsPlaced(variants).map(({ variant, placement }) => [variant.name, placement.name, variant, placement] as const))('every scenario on %s, %s', (_v, _t, variant, placement) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await placement.boot(variant);
  });
  afterAll(() => system.close());

  test.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_scenario, scenario) => {
    const result = await runScenario(system, scenario);
    const failed = result.steps.filter((s) => !s.passed).map((s) => `step ${s.index} ${s.title}: ${s.problems.join('; ')}`);
    expect(failed).toEqual([]);
    expect(result.steps).toHaveLength(scenario.steps.length);
    expect(result.passed).toBe(true);
  });
});

test('the scenario files cover what the harness promises', () => {
  expect(scenarios.map((s) => s.name).sort()).toEqual(['bad-input', 'concurrent-orders', 'happy-path', 'insufficient-funds', 'order-right-after-registration']);
});
