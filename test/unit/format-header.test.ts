import { expect, test } from 'vitest';
import { formatScenarioHeader } from '../../src/cli/format.js';

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

test("a scenario's header says the capacity it runs under, and nothing when it has none", () => {
  expect(plain(formatScenarioHeader('http', 'cap', 'Billing one at a time', { billing: { workers: 1, serviceTimeMs: 50 }, identity: { workers: 2, serviceTimeMs: 5 } }))).toBe(
    '\nhttp › cap — Billing one at a time\n  capacity while it runs: billing 1 worker × 50 ms, identity 2 workers × 5 ms per instance',
  );
  expect(plain(formatScenarioHeader('http', 'happy-path', 'Happy path'))).toBe('\nhttp › happy-path — Happy path');
});
