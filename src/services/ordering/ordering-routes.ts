import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { errorBody } from '../../core/errors.js';
import { centsSchema } from '../../core/money.js';
import { createServiceApp, finishServiceApp, traceOf } from '../../http/service-app.js';
import { validate } from '../../http/validate.js';
import { addressSchema } from '../delivery/delivery-routes.js';
import { orderLines } from '../stock/stock-routes.js';
import type { OrderFlow } from './order-flow.js';
import { answerStatus, type Order, type OrderingService } from './ordering-service.js';

/** What an order of the saga adds to a placement: its items and where they go (both, or neither). */
export const sagaRequest = z.strictObject({ items: orderLines, address: addressSchema });

/** An order placement as ordering takes it, over REST or as a CreateOrder command. */
export const orderCommand = z
  .object({ userId: z.string().min(1), priceCents: centsSchema, idempotencyKey: z.string().min(1).max(200).optional(), items: orderLines.optional(), address: addressSchema.optional() })
  .refine((p) => (p.items === undefined) === (p.address === undefined), { message: 'an order with items needs an address, and an address needs items', path: ['address'] });

/** The answer to an order placement: 201 once settled (a saga handed to delivery), 422 declined or cancelled (with the order), else 202. */
export function placementAnswer(order: Order): { status: number; body: unknown } {
  const status = answerStatus(order);
  return { status, body: status === 422 ? errorBody(422, order.reason ?? 'payment failed', { order }) : order };
}

/** Ordering's internal REST API (prices in integer cents). */
export function orderingApp(orders: OrderingService, flow: OrderFlow, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('order', ...edge);
  app.post('/orders', async (req, res) => {
    const { userId, priceCents, idempotencyKey, items, address } = validate(orderCommand, req.body);
    const { order } = await flow.place(traceOf(res), userId, priceCents, idempotencyKey, undefined, items && address ? { items, address } : undefined);
    const answer = placementAnswer(order);
    res.status(answer.status).json(answer.body);
  });
  app.get('/orders', (req, res) => {
    res.json(orders.list(validate(z.object({ userId: z.string().min(1) }), req.query, 'query').userId));
  });
  app.get('/orders/:id', (req, res) => {
    res.json(orders.get(req.params.id));
  });
  app.post('/orders/:id/cancel', async (req, res) => {
    res.status(202).json(await flow.cancel(traceOf(res), orders.get(req.params.id).id));
  });
  // The customer's word that the goods arrived (through the gateway); delivery hears of it afterwards.
  app.post('/orders/:id/received', async (req, res) => {
    await flow.confirmReceipt(traceOf(res), orders.get(req.params.id).id);
    res.status(204).end();
  });
  return finishServiceApp(app);
}
