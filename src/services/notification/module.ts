import { defineService } from '../module.js';
import { NotificationFlow, type NotificationPorts } from './notification-flow.js';
import { notificationApp } from './notification-routes.js';
import { notificationSchema, NotificationService } from './notification-service.js';

/** Notification: tells each user once how their order ended. */
export default defineService({
  name: 'notification',
  schema: notificationSchema,
  needs: ['recipient'],
  create(ctx) {
    const service = new NotificationService(ctx.store, ctx.note);
    // The links give the ports once the flow exists; boot checks that `recipient` was given before anything is delivered.
    const ports: Partial<NotificationPorts> = {};
    const flow = new NotificationFlow(service, { recipient: (id) => ports.recipient!(id), orderDetails: async (id) => ports.orderDetails?.(id) }, ctx.note);
    return { service, ports, flow };
  },
  linked: (parts) => ({ service: parts.service, flow: parts.flow, ports: parts.ports }),
  app: (parts, ctx) => notificationApp(parts.service, parts.flow, ...ctx.edge),
  // Outcomes that waited for their recipient (or, with thin events, for the order to be read) are sent once they can be.
  recovery: (parts) => [
    async ({ counts, traced }) =>
      traced('notification', async (note) => {
        for (const orderId of await parts.flow.retryWaiting()) {
          counts.notificationsSent++;
          note(`notification for order ${orderId} sent`);
        }
      }),
  ],
});
