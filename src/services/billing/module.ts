import { KEY_RETENTION_MS } from '../idempotency.js';
import { defineService } from '../module.js';
import { billingApp } from './billing-routes.js';
import { billingSchema, BillingService, migrateBilling } from './billing-service.js';

/** Billing: accounts, deposits and withdrawals, payments; every movement in the ledger. */
export default defineService({
  name: 'billing',
  schema: billingSchema,
  migrate: migrateBilling,
  raises: ['DepositMade', 'WithdrawalMade', 'PaymentSettled', 'PaymentRefunded'],
  create: (ctx) => ({ service: new BillingService(ctx.store, ctx.note) }),
  linked: (parts) => ({ service: parts.service, flow: undefined, ports: {} }),
  app: (parts, ctx) => billingApp(parts.service, ...ctx.edge),
  recovery: (parts) => [
    async (run) => {
      run.counts.keysPruned += parts.service.pruneKeys(Date.now() - KEY_RETENTION_MS);
    },
  ],
});
