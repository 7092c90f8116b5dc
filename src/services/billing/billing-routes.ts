import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { errorBody } from '../../core/errors.js';
import { centsSchema } from '../../core/money.js';
import { createServiceApp, finishServiceApp } from '../../http/service-app.js';
import { validate } from '../../http/validate.js';
import { refusal, type BillingService } from './billing-service.js';

const movement = z.object({ amountCents: centsSchema });
const paymentRequest = z.object({ paymentId: z.string().min(1).max(100), userId: z.string().min(1), amountCents: centsSchema });

/** Billing's internal REST API (amounts in integer cents). */
export function billingApp(billing: BillingService, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('billing', ...edge);
  app.put('/accounts/:userId', (req, res) => {
    res.status(201).json(billing.openAccount(req.params.userId));
  });
  app.get('/accounts/:userId', (req, res) => {
    res.json(billing.account(req.params.userId));
  });
  app.post('/accounts/:userId/deposit', (req, res) => {
    billing.deposit(req.params.userId, validate(movement, req.body).amountCents);
    res.status(204).end();
  });
  app.post('/accounts/:userId/withdraw', (req, res) => {
    const result = billing.withdraw(req.params.userId, validate(movement, req.body).amountCents);
    if (!result.ok) throw refusal(result.reason);
    res.status(204).end();
  });
  app.post('/payments', (req, res) => {
    const { paymentId, userId, amountCents } = validate(paymentRequest, req.body);
    const payment = billing.pay(paymentId, userId, amountCents);
    res.status(payment.status === 'succeeded' ? 201 : 422).json(payment.status === 'succeeded' ? payment : errorBody(422, payment.reason ?? 'payment declined', { payment }));
  });
  return finishServiceApp(app);
}
