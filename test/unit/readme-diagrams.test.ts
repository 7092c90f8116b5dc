import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { withDiagrams } from '../../scripts/readme-diagrams.js';
import { variants } from '../../src/variants/index.js';

test('the README shows the diagrams orderctl draws today (npm run docs:diagrams updates them)', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  expect(readme).toBe(withDiagrams(readme));
  // Registration, order placement and a saga whose delivery fails, of each built-in style; and the saga's lifecycle.
  expect(readme.match(/```mermaid/g)).toHaveLength(3 * variants.length + 1);
});
