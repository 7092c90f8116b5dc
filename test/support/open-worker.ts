// Runs in its own process: opens billing's database at the given moment (epoch ms), as replicas starting together do.
import { openDatabase } from '../../src/storage/database.js';
import { billingSchema } from '../../src/services/billing/billing-service.js';

const [dir, at] = process.argv.slice(2);
while (Date.now() < Number(at));
openDatabase(dir, 'billing', billingSchema, { releaseClaims: false }).close();
