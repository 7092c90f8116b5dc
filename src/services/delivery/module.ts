import { defineService } from '../module.js';
import { deliveryApp } from './delivery-routes.js';
import { DEFAULT_COURIERS, DEFAULT_ZONES, deliverySchema, DeliveryService, migrateDelivery } from './delivery-service.js';

/** Delivery: the zones it serves, its couriers, and each order's delivery. */
export default defineService({
  name: 'delivery',
  schema: deliverySchema,
  migrate: migrateDelivery,
  raises: ['DeliveryMade', 'GoodsReturned'],
  create(ctx) {
    const service = new DeliveryService(ctx.store, ctx.note);
    service.load(DEFAULT_ZONES, DEFAULT_COURIERS);
    return { service };
  },
  linked: (parts) => ({ service: parts.service, flow: undefined, ports: {} }),
  app: (parts, ctx) => deliveryApp(parts.service, ...ctx.edge),
});
