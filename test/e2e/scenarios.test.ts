import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadScenarios } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';

const scenarios = await loadScenarios();

describe.each(variants.map((v) => [v.name, v] as const))('every scenario on %s', (_name, variant) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant });
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
