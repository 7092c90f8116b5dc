import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Agent } from 'undici';
import { z } from 'zod';
import { centsSchema } from '../../core/money.js';
import type { Db } from '../../storage/database.js';
import { callHop, handled } from './expert-http.js';
import type { ExpertOutbox } from './expert-outbox.js';

/** What the gateway asks order for. */
export const placeOrder = z.object({ userId: z.uuid(), priceCents: centsSchema });
const payment = z.object({ status: z.enum(['succeeded', 'failed']), reason: z.string().optional() });

/** Where order's calls go. */
export interface OrderPeers {
  billing: string;
  notification: string;
}

/**
 * Order's hop: POST /orders inserts the order, asks billing to charge it (POST /payments), settles it with
 * an outbox row for notification in one transaction, sends that row at once (POST /notifications), and
 * answers 201 or 422; sent rows leave the outbox in batches.
 */
export function expertOrder(db: Db, outbox: ExpertOutbox, agent: Agent, peers: OrderPeers): express.Express {
  const insert = db.prepare(`INSERT INTO orders (id, user_id, price_cents, status, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?)`);
  const settle = db.prepare(`UPDATE orders SET status = ?, reason = ?, updated_at = ? WHERE id = ? AND status = 'pending'`);
  const settled = (id: string, userId: string, priceCents: number, status: 'succeeded' | 'failed', reason: string | undefined) =>
    db.transaction(() => {
      const at = new Date().toISOString();
      if (settle.run(status, reason ?? null, at, id).changes !== 1) return undefined;
      const facts = { orderId: id, userId, priceCents, status, ...(reason ? { reason } : {}) };
      return { facts, seq: outbox.add(randomUUID(), 'OrderSettled', id, facts, at), at };
    });
  const app = express();
  app.use(express.json());
  app.post(
    '/orders',
    handled(async (req, res) => {
      const { userId, priceCents } = placeOrder.parse(req.body);
      const id = randomUUID();
      const createdAt = new Date().toISOString();
      insert.run(id, userId, priceCents, createdAt, createdAt);
      const paid = await callHop(agent, `${peers.billing}/payments`, 'POST', { paymentId: id, userId, amountCents: priceCents });
      if (paid.status !== 201) return void res.status(502).json({ error: 'UPSTREAM_FAILED', message: `billing answered ${paid.status}`, orderId: id });
      const outcome = payment.parse(paid.body);
      const done = settled(id, userId, priceCents, outcome.status, outcome.reason);
      if (!done) return void res.status(409).json({ error: 'CONFLICT', message: 'order was settled already' });
      // Sent now, while the caller waits; a row whose call failed stays in the outbox for a later pass.
      const told = await callHop(agent, `${peers.notification}/notifications`, 'POST', done.facts);
      if (told.status === 201) outbox.sentRow(done.seq);
      const order = { id, userId, priceCents, status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), createdAt, updatedAt: done.at };
      res.status(outcome.status === 'succeeded' ? 201 : 422).json(order);
    }),
  );
  return app;
}
