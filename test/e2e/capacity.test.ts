import { afterEach, expect, test } from 'vitest';
import { MemoryTransport } from '../../src/broker/memory-transport.js';
import { loadScenarios, pickScenarios } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { smallerCrowds } from '../support/smaller-crowds.js';

const scenarios = smallerCrowds(pickScenarios(await loadScenarios(), ['happy-path', 'concurrent-orders']));
let system: RunningSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

// http reaches billing by REST calls, hybrid by messages: a declared capacity holds on both ways in.
test.each(['http', 'hybrid'])('%s with billing given one worker: every scenario holds, and billing never handled two requests or messages at once', async (name) => {
  system = await bootSystem({ variant: variants.find((v) => v.name === name)!, transport: new MemoryTransport(), capacity: { billing: { workers: 1, serviceTimeMs: 5 } } });
  for (const scenario of scenarios) {
    const result = await runScenario(system, scenario);
    expect(result.steps.filter((s) => !s.passed).map((s) => `${scenario.name} step ${s.index}: ${s.problems.join('; ')}`)).toEqual([]);
  }
  const seen = system.capacitySeen!();
  expect(Object.keys(seen)).toEqual(['billing']);
  expect(seen.billing!.maxInFlight).toBe(1);
  // Ten customers each deposit and place ten orders: billing served at least those.
  expect(seen.billing!.served).toBeGreaterThan(100);
});
