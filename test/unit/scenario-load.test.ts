import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadScenario } from '../../src/scenarios/load.js';

const dir = mkdtempSync(join(tmpdir(), 'orderctl-scenario-'));
afterAll(() => rmSync(dir, { recursive: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

test('a misspelt expectation key is refused when the file loads, with the key it was meant to be', async () => {
  const misspelt = file('misspelt.yaml', 'title: t\nsteps:\n  - register: zoe\n    expect: { anwser: 201 }\n');
  await expect(loadScenario(misspelt)).rejects.toThrow('step 1 (register): expect: unknown key "anwser" (did you mean "answer"?)');
  const inExcept = file('except.yaml', 'title: t\nsteps:\n  - register: zoe\n    except: { hybrid: { stauts: pending } }\n');
  await expect(loadScenario(inExcept)).rejects.toThrow('except.hybrid: unknown key "stauts" (did you mean "status"?)');
  const nonsense = file('nonsense.yaml', 'title: t\nsteps:\n  - register: zoe\n    expect: { flavour: 1 }\n');
  await expect(loadScenario(nonsense)).rejects.toThrow(/unknown key "flavour"; an expectation names answer, count/);
});

test('the keys of the answer body and the expectation keys load as before', async () => {
  const fine = file('fine.yaml', 'title: t\nsteps:\n  - register: zoe\n    expect: { answer: 201, email: zoe@example.test }\n  - balance: zoe\n    expect: { amount: 0 }\n');
  const scenario = await loadScenario(fine);
  expect(scenario.steps.map((s) => s.expect)).toEqual([{ answer: 201, email: 'zoe@example.test' }, { amount: 0 }]);
});
