import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { centsSchema } from '../../core/money.js';
import { createServiceApp, finishServiceApp, traceOf } from '../../http/service-app.js';
import { validate } from '../../http/validate.js';
import type { NotificationFlow } from './notification-flow.js';
import type { NotificationService } from './notification-service.js';

/** The facts of a settled order, as ordering sends them over REST or in a full event. */
export const orderFacts = z.object({
  orderId: z.string().min(1),
  userId: z.string().min(1),
  priceCents: centsSchema,
  status: z.enum(['succeeded', 'failed']),
  reason: z.string().optional(),
});

/** Notification's internal REST API. */
export function notificationApp(notifications: NotificationService, flow: NotificationFlow, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('notification', ...edge);
  app.post('/notifications', async (req, res) => {
    const result = await flow.orderSettled(traceOf(res), validate(orderFacts, req.body));
    // 202: accepted, waiting for its recipient; sent once the user is known (the caller need not ask again).
    if ('waiting' in result) res.status(202).json({ orderId: result.orderId, status: 'waiting' });
    else res.status(201).json(result.notification);
  });
  app.get('/notifications', (req, res) => {
    res.json(notifications.list(validate(z.object({ userId: z.string().min(1) }), req.query, 'query').userId));
  });
  return finishServiceApp(app);
}
