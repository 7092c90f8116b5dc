import { randomBytes } from 'node:crypto';
import { dropSchemas } from '../../src/storage/database.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';
import { sagaPartsContract } from './saga-parts-contract.js';
import { storeContract } from './store-contract.js';

// The PostgreSQL on 127.0.0.1:5432; each test gets schemas of its own, dropped afterwards.
storeContract('PostgreSQL', () => {
  const prefix = `test_${randomBytes(4).toString('hex')}`;
  return { place: { kind: 'postgres', url: POSTGRES_TEST_URL, prefix }, remove: () => dropSchemas(POSTGRES_TEST_URL, prefix, ['billing', 'unit']) };
});

sagaPartsContract('PostgreSQL', () => {
  const prefix = `test_${randomBytes(4).toString('hex')}`;
  return { place: { kind: 'postgres', url: POSTGRES_TEST_URL, prefix }, remove: () => dropSchemas(POSTGRES_TEST_URL, prefix, ['stock', 'delivery']) };
});
