import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILTIN_SCENARIOS, loadScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { type Variant } from '../../src/variants/variant.js';
import { defineVariant } from '../../src/variants/define.js';

// A saga whose payment is an event and whose later steps are REST calls: the payment's answer arrives
// as an event, and the order service must then ask the next step itself. With the recovery pass held
// off (an hour's grace), only the flow can move the saga: a stall shows as a failed scenario.
const hybrid = variants.find((v) => v.name === 'hybrid')!;
const mixes: Variant[] = [
  defineVariant({ ...hybrid, name: 'hybrid-rest-reservation', flows: undefined, push: undefined, links: { ...hybrid.links, reservation: 'rest' } }),
  defineVariant({ ...hybrid, name: 'hybrid-rest-dispatch', flows: undefined, push: undefined, links: { ...hybrid.links, dispatch: 'rest' } }),
  defineVariant({ ...hybrid, name: 'hybrid-rest-saga-steps', flows: undefined, push: undefined, links: { ...hybrid.links, reservation: 'rest', dispatch: 'rest' } }),
];

describe.each(mixes.map((v) => [v.name, v] as const))('%s: payment by event, a later saga step over REST', (_name, variant) => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await bootSystem({ variant, recovery: { graceMs: 3_600_000, everyMs: 3_600_000 } });
  });
  afterAll(() => system.close());

  test.each(['saga-happy-path', 'saga-cancel-delivering'])('%s passes without the recovery pass', async (name) => {
    const result = await runScenario(system, await loadScenario(join(BUILTIN_SCENARIOS, `${name}.yaml`)));
    expect(result.steps.filter((s) => !s.passed).map((s) => `step ${s.index} ${s.title}: ${s.problems.join('; ')}`)).toEqual([]);
  });
});
