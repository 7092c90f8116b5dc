import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadScenario } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import { bootSystem, type RunningSystem } from '../../src/system/boot.js';
import { findVariant } from '../../src/variants/index.js';

let system: RunningSystem;
let dir: string;
beforeAll(async () => {
  system = await bootSystem({ variant: findVariant('http') });
  dir = mkdtempSync(join(tmpdir(), 'orderctl-scenario-'));
});
afterAll(async () => {
  await system.close();
  rmSync(dir, { recursive: true, force: true });
});

const scenarioFile = (name: string, yaml: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
};

test('a wrong expectation fails its step with a message saying what was seen', async () => {
  const scenario = await loadScenario(
    scenarioFile('wrong', `title: wrong on purpose\nsteps:\n  - register: dave\n  - login: dave\n  - balance: dave\n    expect: { amount: 5 }\n    eventually: 100ms\n`),
  );
  const result = await runScenario(system, scenario);
  expect(result.passed).toBe(false);
  expect(result.steps[2].problems).toEqual(['amount: expected 5, got 0']);
  expect(result.steps[2].attempts).toBeGreaterThan(1);
});

test('a scenario file with an unknown action is refused with its file and step named', async () => {
  await expect(loadScenario(scenarioFile('bad', 'title: bad\nsteps:\n  - teleport: dave\n'))).rejects.toThrow(/bad\.yaml: step 1 must have exactly one action/);
});

test('a scenario file with a bad duration or an unknown variant under except is refused when it loads', async () => {
  await expect(loadScenario(scenarioFile('slow', 'title: t\nsteps:\n  - register: dave\n    eventually: 5sec\n'))).rejects.toThrow(/slow\.yaml: step 1 \(register\): eventually: not a duration: "5sec"/);
  await expect(loadScenario(scenarioFile('typo', 'title: t\nsteps:\n  - register: dave\n    except:\n      hybird: { answer: 202 }\n'))).rejects.toThrow(/typo\.yaml: step 1 \(register\): except: hybird is neither a trait nor a style \(known: answers-orders-later, [^)]*\bhybrid\b[^)]*\); did you mean hybrid\?$/);
});
