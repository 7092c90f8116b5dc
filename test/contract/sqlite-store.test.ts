import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sagaPartsContract } from './saga-parts-contract.js';
import { storeContract } from './store-contract.js';

storeContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderctl-store-'));
  return { place: { kind: 'sqlite', dir }, remove: () => rmSync(dir, { recursive: true, force: true }) };
});

sagaPartsContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderctl-saga-'));
  return { place: { kind: 'sqlite', dir }, remove: () => rmSync(dir, { recursive: true, force: true }) };
});
