import { defineService } from '../module.js';
import { OrderFlow, type OrderingPorts } from './order-flow.js';
import { orderRecovery } from './order-recovery.js';
import { orderingApp } from './ordering-routes.js';
import { migrateOrdering, orderingSchema, OrderingService } from './ordering-service.js';

/** Order: places orders, has them paid and tells how they ended. */
export default defineService({
  name: 'order',
  schema: orderingSchema,
  migrate: migrateOrdering,
  raises: ['OrderAnswerDue', 'OrderPlaced', 'SagaCreated', 'OrderSettled', 'StockWanted', 'DeliveryWanted', 'ShipDue', 'ReceiptConfirmed', 'CustomerCancelled', 'RefundDue', 'ReleaseDue', 'ReturnDue'],
  create(ctx) {
    const service = new OrderingService(ctx.store);
    const ports: OrderingPorts = {};
    return { service, ports, flow: new OrderFlow(service, ports, ctx.note) };
  },
  linked: (parts) => ({ service: parts.service, flow: parts.flow, ports: parts.ports }),
  app: (parts, ctx) => orderingApp(parts.service, parts.flow, ...ctx.edge),
  recovery: (parts, ctx) => orderRecovery(parts.service, parts.flow, ctx.http),
});
