import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { errorBody } from '../../core/errors.js';
import { centsSchema } from '../../core/money.js';
import { createServiceApp, finishServiceApp } from '../../http/service-app.js';
import { validate } from '../../http/validate.js';
import type { OrderFlow } from './order-flow.js';
import type { OrderingService } from './ordering-service.js';

const placement = z.object({ userId: z.string().min(1), priceCents: centsSchema, idempotencyKey: z.string().min(1).max(200).optional() });

/** Status of the answer to an order placement: pending (202), succeeded (201) or declined (422). */
export const placementStatus = (status: string) => (status === 'pending' ? 202 : status === 'succeeded' ? 201 : 422);

/** Ordering's internal REST API (prices in integer cents). */
export function orderingApp(orders: OrderingService, flow: OrderFlow, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('order', ...edge);
  app.post('/orders', async (req, res) => {
    const { userId, priceCents, idempotencyKey } = validate(placement, req.body);
    const { order } = await flow.place(userId, priceCents, idempotencyKey);
    const status = placementStatus(order.status);
    res.status(status).json(status === 422 ? errorBody(422, order.reason ?? 'payment failed', { order }) : order);
  });
  app.get('/orders', (req, res) => {
    res.json(orders.list(validate(z.object({ userId: z.string().min(1) }), req.query, 'query').userId));
  });
  app.get('/orders/:id', (req, res) => {
    res.json(orders.get(req.params.id));
  });
  return finishServiceApp(app);
}
