import type { Express, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AppError, codeForStatus, errorBody, notFound } from '../../core/errors.js';
import { centsSchema } from '../../core/money.js';
import { createServiceApp, finishServiceApp, traceOf } from '../../http/service-app.js';
import { validate } from '../../http/validate.js';
import { MAX_KEY_LENGTH } from '../idempotency.js';
import type { BillingService, Movement } from './billing-service.js';

const movement = z.object({ amountCents: centsSchema, idempotencyKey: z.string().min(1).max(MAX_KEY_LENGTH).optional() });
const missingAccounts = z.object({ userIds: z.array(z.string().min(1).max(100)).max(1000) });
const refundTerms = z.object({ userId: z.string().min(1), amountCents: centsSchema });
const paymentRequest = z.object({ paymentId: z.string().min(1).max(100), userId: z.string().min(1), amountCents: centsSchema });

/** Billing's internal REST API (amounts in integer cents). */
export function billingApp(billing: BillingService, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('billing', ...edge);
  app.put('/accounts/:userId', (req, res) => {
    res.status(201).json(billing.openAccount(traceOf(res), req.params.userId));
  });
  // The recovery pass of identity: opens the accounts of users billing has none for, and says which.
  app.post('/accounts/open-missing', (req, res) => {
    const { userIds } = validate(missingAccounts, req.body);
    res.json({ opened: billing.openMissing(traceOf(res), userIds) });
  });
  app.get('/accounts/:userId', (req, res) => {
    res.json(billing.account(req.params.userId));
  });
  const move = (kind: Movement) => (req: Request, res: Response) => {
    const { amountCents, idempotencyKey } = validate(movement, req.body);
    const outcome = billing.move(traceOf(res), kind, String(req.params.userId), amountCents, idempotencyKey);
    if (outcome.status >= 400) throw new AppError(codeForStatus(outcome.status), outcome.message ?? 'refused');
    res.status(outcome.status).end();
  };
  app.post('/accounts/:userId/deposit', move('deposit'));
  app.post('/accounts/:userId/withdraw', move('withdraw'));
  app.get('/payments/:id', (req, res) => {
    const payment = billing.payment(req.params.id);
    if (!payment) throw notFound('payment not found');
    res.json(payment);
  });
  app.post('/payments', (req, res) => {
    const { paymentId, userId, amountCents } = validate(paymentRequest, req.body);
    const payment = billing.pay(traceOf(res), paymentId, userId, amountCents);
    res.status(payment.status === 'succeeded' ? 201 : 422).json(payment.status === 'succeeded' ? payment : errorBody(422, payment.reason ?? 'payment declined', { payment }));
  });
  // The saga's compensation: gives back an order's payment once (or makes sure it is never taken).
  app.post('/payments/:id/refund', (req, res) => {
    const terms = validate(refundTerms, req.body);
    res.json(billing.refund(traceOf(res), String(req.params.id), terms));
  });
  return finishServiceApp(app);
}
