import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from './store-contract.js';

storeContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderctl-store-'));
  return { place: { kind: 'sqlite', dir }, remove: () => rmSync(dir, { recursive: true, force: true }) };
});
