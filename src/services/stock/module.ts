import { defineService } from '../module.js';
import { stockApp } from './stock-routes.js';
import { DEFAULT_CATALOG, stockSchema, StockService } from './stock-service.js';

/** Stock: the catalog, and the items reserved, shipped, released and returned for orders. */
export default defineService({
  name: 'stock',
  schema: stockSchema,
  raises: ['ReservationMade'],
  create(ctx) {
    const service = new StockService(ctx.store, ctx.note);
    service.load(DEFAULT_CATALOG);
    return { service };
  },
  linked: (parts) => ({ service: parts.service, flow: undefined, ports: {} }),
  app: (parts, ctx) => stockApp(parts.service, ...ctx.edge),
});
