import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { createServiceApp, finishServiceApp, traceOf } from '../../http/service-app.js';
import { text, validate } from '../../http/validate.js';
import type { DeliveryService } from './delivery-service.js';

/** Where an order goes: a city and a street. */
export const addressSchema = z.strictObject({ city: text({ max: 100 }).min(1, 'must not be empty'), street: text({ max: 200 }).min(1, 'must not be empty') });
const zone = z.strictObject({ city: text({ max: 100 }).min(1, 'must not be empty'), couriers: z.number().int().min(0).max(1000) });
const dispatch = z.object({ orderId: z.string().min(1).max(100), address: addressSchema });

/** Delivery's internal REST API: zones, and the delivery of an order (started, received, brought back). */
export function deliveryApp(delivery: DeliveryService, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('delivery', ...edge);
  app.get('/zones', (_req, res) => void res.json(delivery.zones()));
  // A scenario's own zone, with couriers of its own (the operator's route, not on the public API).
  app.post('/zones', (req, res) => {
    const { city, couriers } = validate(zone, req.body);
    delivery.addZone(city, couriers);
    res.status(201).json(delivery.zones());
  });
  app.post('/deliveries', (req, res) => {
    const { orderId, address } = validate(dispatch, req.body);
    const outcome = delivery.start(traceOf(res), orderId, address);
    res.status(outcome.ok ? 201 : 422).json(outcome.ok ? { orderId, courier: outcome.courier } : { code: 422, error: 'UNPROCESSABLE', message: outcome.reason });
  });
  app.post('/deliveries/:orderId/received', (req, res) => {
    delivery.received(traceOf(res), String(req.params.orderId));
    res.status(204).end();
  });
  app.post('/deliveries/:orderId/return', (req, res) => void res.json({ returned: delivery.bringBack(traceOf(res), String(req.params.orderId)) }));
  return finishServiceApp(app);
}
