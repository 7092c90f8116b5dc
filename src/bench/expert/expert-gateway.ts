import express from 'express';
import type { Agent } from 'undici';
import { z } from 'zod';
import { amountSchema, fromCents } from '../../core/money.js';
import type { Tokens } from '../../core/tokens.js';
import { callHop, handled } from './expert-http.js';

/** The public path an order is placed on, as the gateway's. */
export const EXPERT_ORDER_PATH = '/api/v1/ordering/orders';
const placement = z.object({ price: amountSchema });
const BEARER = /^Bearer (\S+)$/;

/** The gateway's hop: checks the bearer token (verified once, then cached), validates the body, asks order (POST /orders) and answers what it said. */
export function expertGateway(tokens: Tokens, agent: Agent, orderUrl: string): express.Express {
  const app = express();
  app.use(express.json());
  app.post(
    EXPERT_ORDER_PATH,
    handled(async (req, res) => {
      const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
      const claims = token && (await tokens.verify(token).catch(() => undefined));
      if (!claims) return void res.status(401).json({ error: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
      const { price } = placement.parse(req.body);
      const answer = await callHop(agent, `${orderUrl}/orders`, 'POST', { userId: claims.userId, priceCents: price });
      const order = answer.body as { priceCents?: number };
      res.status(answer.status).json(typeof order?.priceCents === 'number' ? { ...order, price: fromCents(order.priceCents) } : order);
    }),
  );
  return app;
}
