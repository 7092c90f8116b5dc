import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadScenarios } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { variantsOnBrokers } from '../support/transports.js';

const scenarios = await loadScenarios();

describe.each(variantsOnBrokers(variants).map(({ variant, transport }) => [variant.name, transport.name, variant, transport] as const))('every scenario on %s over the %s', (_v, _t, variant, transport) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant, transport: await transport.make() });
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
