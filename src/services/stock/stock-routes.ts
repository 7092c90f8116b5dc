import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { createServiceApp, finishServiceApp, traceOf } from '../../http/service-app.js';
import { validate } from '../../http/validate.js';
import type { TraceContext } from '../../tracing/context.js';
import type { StockService } from './stock-service.js';

const orderId = z.string().min(1).max(100);
/** At most 50 lines, each a known shape: an order's items. */
export const orderLines = z.array(z.strictObject({ sku: z.string().min(1).max(100), quantity: z.number().int().min(1).max(1000) })).min(1).max(50);
const reservation = z.object({ orderId, lines: orderLines });
const catalog = z.array(z.strictObject({ sku: z.string().min(1).max(100), name: z.string().min(1).max(200), available: z.number().int().min(0).max(1_000_000) })).min(1).max(100);

/** Stock's internal REST API: the catalog, and what is done with items for an order (each once per order). */
export function stockApp(stock: StockService, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('stock', ...edge);
  app.get('/items', (_req, res) => void res.json(stock.items()));
  // A scenario's own catalog: items added when not there yet (the operator's route, not on the public API).
  app.post('/items', (req, res) => {
    stock.load(validate(catalog, req.body));
    res.status(201).json(stock.items());
  });
  app.post('/reservations', (req, res) => {
    const { orderId: id, lines } = validate(reservation, req.body);
    const outcome = stock.reserve(traceOf(res), id, lines);
    res.status(outcome.ok ? 201 : 422).json(outcome.ok ? { orderId: id } : { code: 422, error: 'UNPROCESSABLE', message: outcome.reason });
  });
  for (const [path, act] of [
    ['release', (trace: TraceContext, id: string) => stock.release(trace, id)],
    ['ship', (trace: TraceContext, id: string) => stock.ship(trace, id)],
    ['restock', (trace: TraceContext, id: string) => stock.restock(trace, id)],
  ] as const) {
    app.post(`/reservations/:orderId/${path}`, (req, res) => void res.json({ moved: act(traceOf(res), validate(orderId, req.params.orderId, 'orderId')) }));
  }
  return finishServiceApp(app);
}
