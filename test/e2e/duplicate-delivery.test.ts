import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadScenarios } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { usesBroker } from '../../src/variants/variant.js';
import { crashingAfterCommit } from '../support/crashing-transport.js';
import { duplicating } from '../support/duplicating-transport.js';
import { smallerCrowds } from '../support/smaller-crowds.js';
import { transports } from '../support/transports.js';

// Crowds of ten customers (smallerCrowds): every one of their messages is still delivered twice.
const scenarios = smallerCrowds(await loadScenarios());
const eventVariants = variants.filter(usesBroker);

describe.each(transports.flatMap((t) => eventVariants.map((v) => [v.name, t.name, v, t] as const)))(
  'every message delivered twice, and every handler crashed once after its commit: %s on the %s',
  (_variant, _transport, variant, { make }) => {
    let system: RunningSystem;
    let crashing: ReturnType<typeof crashingAfterCommit>;
    beforeAll(async () => {
      crashing = crashingAfterCommit(await make());
      system = await bootSystem({ variant, transport: duplicating(crashing) });
    });
    afterAll(() => system.close());

    test.each(scenarios.map((s) => [s.name, s] as const))('%s holds exactly as with single delivery', async (_name, scenario) => {
      const result = await runScenario(system, scenario);
      expect(result.steps.filter((s) => !s.passed).map((s) => `step ${s.index} ${s.title}: ${s.problems.join('; ')}`)).toEqual([]);
    });

    test('the duplicates and the redeliveries after a crash really arrived and were recognised', () => {
      const consumed = system.recorder.all().filter((h) => h.kind === 'consume');
      expect(consumed.filter((h) => h.outcome === 'duplicate').length).toBeGreaterThan(100);
      expect(crashing.crashes()).toBeGreaterThan(100);
    });
  },
);
