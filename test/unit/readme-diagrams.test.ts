import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { withDiagrams } from '../../scripts/readme-diagrams.js';

test('the README shows the diagrams orderctl draws today (npm run docs:diagrams updates them)', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  expect(readme).toBe(withDiagrams(readme));
  expect(readme.match(/```mermaid/g)).toHaveLength(8);
});
