import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { GENERATED } from '../../scripts/docs-diagrams.js';
import { variants } from '../../src/variants/index.js';

const read = (file: string) => readFileSync(join(import.meta.dirname, '../..', file), 'utf8');

test.each(GENERATED.map((g) => [g.file, g] as const))('the generated parts of %s are what the code and test/golden give today (npm run docs:diagrams writes them)', (file, { write }) => {
  const text = read(file);
  expect(text, `${file} is stale: run npm run docs:diagrams`).toBe(write(text));
});

test('the styles page draws registration and order placement of every built-in style, the saga page its lifecycle and one failing saga per style', () => {
  expect(read('docs/styles.md').match(/```mermaid/g)).toHaveLength(2 * variants.length);
  expect(read('docs/saga.md').match(/```mermaid/g)).toHaveLength(variants.length + 1);
  // Nothing generated is left in the README.
  expect(read('README.md')).not.toContain('```mermaid');
});
