import { defineService } from '../module.js';
import { NotificationFlow, type NotificationPorts } from './notification-flow.js';
import { notificationApp } from './notification-routes.js';
import { notificationSchema, NotificationService } from './notification-service.js';

const notWired = () => {
  throw new Error('link not wired');
};

/** Notification: tells each user once how their order ended. */
export default defineService({
  name: 'notification',
  schema: notificationSchema,
  create(ctx) {
    const service = new NotificationService(ctx.store, ctx.note);
    const ports: NotificationPorts = { recipient: notWired };
    const flow = new NotificationFlow(service, { recipient: (id) => ports.recipient(id), orderDetails: async (id) => ports.orderDetails?.(id) }, ctx.note);
    return { service, ports, flow };
  },
  expose(parts, w) {
    w.services.notification = parts.service;
    w.ports.notification = parts.ports;
    w.flows.notification = parts.flow;
  },
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
