import { defineService } from '../module.js';
import { stockApp } from './stock-routes.js';
import { DEFAULT_CATALOG, stockSchema, StockService } from './stock-service.js';

/** Stock: the catalog, and the items reserved, shipped, released and returned for orders. */
export default defineService({
  name: 'stock',
  schema: stockSchema,
  create(ctx) {
    const service = new StockService(ctx.store, ctx.note);
    service.load(DEFAULT_CATALOG);
    return { service };
  },
  expose(parts, w) {
    w.services.stock = parts.service;
  },
  app: (parts, ctx) => stockApp(parts.service, ...ctx.edge),
});
