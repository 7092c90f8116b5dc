import express from 'express';
import { z } from 'zod';
import { centsSchema } from '../../core/money.js';
import { NOT_ENOUGH_MONEY } from '../../services/billing/billing-service.js';
import type { Db } from '../../storage/database.js';
import { handled } from './expert-http.js';

/** What order asks billing to charge. */
export const paymentRequest = z.object({ paymentId: z.uuid(), userId: z.uuid(), amountCents: centsSchema });

/** Billing's hop: POST /payments, the conditional debit, its ledger row and the payment in one transaction. */
export function expertBilling(db: Db): express.Express {
  const debit = db.prepare('UPDATE accounts SET amount_cents = amount_cents - ?, updated_at = ? WHERE user_id = ? AND amount_cents >= ?');
  const ledger = db.prepare(`INSERT INTO ledger (user_id, kind, delta_cents, reference, created_at) VALUES (?, 'payment', ?, ?, ?)`);
  const payment = db.prepare('INSERT INTO payments (id, user_id, amount_cents, status, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const pay = (p: z.infer<typeof paymentRequest>) =>
    db.transaction(() => {
      const at = new Date().toISOString();
      const taken = debit.run(p.amountCents, at, p.userId, p.amountCents).changes === 1;
      if (taken) ledger.run(p.userId, -p.amountCents, p.paymentId, at);
      payment.run(p.paymentId, p.userId, p.amountCents, taken ? 'succeeded' : 'failed', taken ? null : NOT_ENOUGH_MONEY, at);
      return taken ? { id: p.paymentId, status: 'succeeded' as const } : { id: p.paymentId, status: 'failed' as const, reason: NOT_ENOUGH_MONEY };
    });
  const app = express();
  app.use(express.json());
  app.post(
    '/payments',
    handled((req, res) => void res.status(201).json(pay(paymentRequest.parse(req.body)))),
  );
  return app;
}
