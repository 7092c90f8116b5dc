import { defineService } from '../module.js';
import { NotificationFlow, type NotificationPorts } from './notification-flow.js';
import { notificationApp } from './notification-routes.js';
import { notificationSchema, NotificationService } from './notification-service.js';

/** What the recovery pass reads waiting outcomes by (oldest first): an index each, not a scan and sort of the table. */
const RECOVERY_INDEXES = `
CREATE INDEX IF NOT EXISTS waiting_notifications_by_age ON waiting_notifications (created_at);
CREATE INDEX IF NOT EXISTS waiting_details_by_age ON waiting_details (created_at);`;

/** Notification: tells each user once how their order ended. */
export default defineService({
  name: 'notification',
  schema: notificationSchema + RECOVERY_INDEXES,
  needs: ['recipient'],
  create(ctx) {
    const service = new NotificationService(ctx.store, ctx.note);
    // The links give the ports once the flow exists; boot checks that `recipient` was given before anything is delivered.
    const ports: Partial<NotificationPorts> = {};
    const flow = new NotificationFlow(service, { recipient: (trace, id) => ports.recipient!(trace, id), orderDetails: async (trace, id) => ports.orderDetails?.(trace, id) }, ctx.note);
    return { service, ports, flow };
  },
  linked: (parts) => ({ service: parts.service, flow: parts.flow, ports: parts.ports }),
  app: (parts, ctx) => notificationApp(parts.service, parts.flow, ...ctx.edge),
  // Outcomes that waited for their recipient (or, with thin events, for the order to be read) are sent once they can be.
  recovery: (parts) => [
    async ({ counts, traced }) =>
      traced('notification', async (note, trace) => {
        for (const orderId of await parts.flow.retryWaiting(trace)) {
          counts.notificationsSent++;
          note(`notification for order ${orderId} sent`);
        }
      }),
  ],
});
