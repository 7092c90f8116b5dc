import { expect, test } from 'vitest';
import { ApiClient } from '../../src/scenarios/api-client.js';
import { inFileNames, onSystem, type RunContext } from '../../src/scenarios/run-context.js';

const ctx = (names?: Map<string, string>): RunContext => ({ api: new ApiClient('http://127.0.0.1:1'), variant: 'http', traits: [], runId: 'r1', users: new Map(), orders: new Map(), crowds: 0, names });

test("a scenario's own items and cities are sent under this run's names and read back under the file's, at any depth", () => {
  const run = ctx(
    new Map([
      ['last-lamp', 'last-lamp-r1'],
      ['lamp-shade', 'lamp-shade-r1'],
      ['Tinytown', 'Tinytown-r1'],
    ]),
  );
  expect(onSystem(run, 'last-lamp')).toBe('last-lamp-r1');
  expect(onSystem(run, 'book')).toBe('book');
  const answer = {
    status: 422,
    body: {
      message: 'only 0 of last-lamp-r1 available, 1 asked',
      order: { items: [{ sku: 'last-lamp-r1', quantity: 1 }, { sku: 'lamp-shade-r1', quantity: 2 }, { sku: 'lamp', quantity: 1 }], address: { city: 'Tinytown-r1', street: 'Main 1' } },
    },
    problems: ['we do not deliver to Tinytown-r1'],
    summary: '20 customers raced for last-lamp-r1',
  };
  expect(inFileNames(run, answer)).toEqual({
    status: 422,
    body: {
      message: 'only 0 of last-lamp available, 1 asked',
      order: { items: [{ sku: 'last-lamp', quantity: 1 }, { sku: 'lamp-shade', quantity: 2 }, { sku: 'lamp', quantity: 1 }], address: { city: 'Tinytown', street: 'Main 1' } },
    },
    problems: ['we do not deliver to Tinytown'],
    summary: '20 customers raced for last-lamp',
  });
  // Keys too: a race counts its losers by reason.
  expect(inFileNames(run, { 'only 0 of last-lamp-r1 available, 1 asked': 19 })).toEqual({ 'only 0 of last-lamp available, 1 asked': 19 });
  // Without names of its own a run reads answers as they are.
  const body = { sku: 'lamp' };
  expect(inFileNames(ctx(), body)).toBe(body);
});
