import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Agent } from 'undici';
import { z } from 'zod';
import { centsSchema } from '../../core/money.js';
import { orderMessage } from '../../services/notification/notification-service.js';
import type { Db } from '../../storage/database.js';
import { callHop, handled } from './expert-http.js';

/** How an order ended, as order tells notification. */
export const orderFacts = z.object({ orderId: z.uuid(), userId: z.uuid(), priceCents: centsSchema, status: z.enum(['succeeded', 'failed']), reason: z.string().optional() });
const recipient = z.object({ id: z.uuid(), email: z.string() });

/** Notification's hop: POST /notifications asks identity for the recipient (GET /users/:id), then stores the message once per order. */
export function expertNotification(db: Db, agent: Agent, identityUrl: string): express.Express {
  const insert = db.prepare('INSERT INTO notifications (id, user_id, order_id, email, message, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING');
  const app = express();
  app.use(express.json());
  app.post(
    '/notifications',
    handled(async (req, res) => {
      const facts = orderFacts.parse(req.body);
      const user = await callHop(agent, `${identityUrl}/users/${facts.userId}`, 'GET');
      if (user.status !== 200) return void res.status(502).json({ error: 'UPSTREAM_FAILED', message: `identity answered ${user.status}` });
      const to = recipient.parse(user.body);
      const notification = { id: randomUUID(), orderId: facts.orderId, email: to.email, message: orderMessage(facts) };
      insert.run(notification.id, facts.userId, facts.orderId, to.email, notification.message, new Date().toISOString());
      res.status(201).json(notification);
    }),
  );
  return app;
}
