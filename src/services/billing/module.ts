import { defineService } from '../module.js';
import { billingApp } from './billing-routes.js';
import { billingSchema, BillingService, migrateBilling } from './billing-service.js';

/** Billing: accounts, deposits and withdrawals, payments; every movement in the ledger. */
export default defineService({
  name: 'billing',
  schema: billingSchema,
  migrate: migrateBilling,
  create: (ctx) => ({ service: new BillingService(ctx.store, ctx.note) }),
  expose(parts, w) {
    w.services.billing = parts.service;
  },
  app: (parts, ctx) => billingApp(parts.service, ...ctx.edge),
});
