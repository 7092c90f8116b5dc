import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeFile } from '../src/deploy/compose.js';

/** Writes docker-compose.yml at the repo root from the plan `--processes` runs. */
const path = join(import.meta.dirname, '..', 'docker-compose.yml');
writeFileSync(path, composeFile());
console.log(`wrote ${path}`);
