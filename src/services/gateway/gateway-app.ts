import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { AppError, codeForStatus, errorBody, notFound, unauthorized } from '../../core/errors.js';
import { amountSchema } from '../../core/money.js';
import type { TokenClaims, Tokens } from '../../core/tokens.js';
import { createServiceApp, finishServiceApp, methodNotAllowed, traceOf } from '../../http/service-app.js';
import type { ServiceClient } from '../../http/service-client.js';
import { text, validate } from '../../http/validate.js';
import { addressSchema } from '../delivery/delivery-routes.js';
import { isFinal } from '../ordering/ordering-service.js';
import { orderLines } from '../stock/stock-routes.js';
import { loginForm, profilePatch, registrationForm } from '../identity/identity-service.js';
import { MAX_KEY_LENGTH } from '../idempotency.js';
import type { AbuseGuard } from './abuse-limits.js';
import type { GatewayCommands, Reply } from './gateway-commands.js';
import { healthCheck } from './health.js';
import { publicModel } from './public-model.js';
import type { OrderPush } from './order-push.js';
import { memoryRevocations, type RevocationList } from './revocations.js';

const money = (field: string) => z.object({ [field]: amountSchema });
/** An order as a client places it: a price, and for the saga its items and address (both or neither). */
const placement = z
  .object({ price: amountSchema, items: orderLines.optional(), address: addressSchema.optional() })
  .refine((p) => (p.items === undefined) === (p.address === undefined), { message: 'an order with items needs an address, and an address needs items', path: ['address'] });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Printable ASCII, as HTTP header values are: bytes beyond it would be read as Latin-1 and echoed garbled.
const idempotencyKey = text({ max: MAX_KEY_LENGTH })
  .min(1, 'must not be empty')
  .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII (letters, digits, punctuation), such as a UUID')
  .optional();
/** The request's `Idempotency-Key` (deposit, withdraw, order): a repeat with it gets the first outcome, with another body a 422. */
const keyOf = (req: Request) => validate(idempotencyKey, req.headers['idempotency-key'], 'Idempotency-Key header');

/** Where the client finds what a 201 or 202 answer created. */
const locations = {
  user: () => '/api/v1/identity/profile',
  order: (order: { id: string }) => `/api/v1/ordering/orders/${order.id}`,
};

/** Everything the gateway needs: how to reach services, how to run commands, how to check tokens. */
export interface GatewayDeps {
  http: ServiceClient;
  commands: GatewayCommands;
  tokens: Tokens;
  /** Logged-out tokens; in memory (lost on restart) when absent. */
  revoked?: RevocationList;
  /** Name of the style, shown by the health endpoint. */
  variant?: string;
  /** The push service, where the style offers it: `GET /ordering/orders/{id}/events` streams the order's status. */
  push?: OrderPush;
  /** Rate limits, lockouts and stream caps for the public (serve's); none when absent. */
  limits?: AbuseGuard;
}

/** How often an open event stream says it is still there (a comment line), so proxies keep it open. */
const KEEP_ALIVE_MS = 15_000;

/** A service's error answer relayed as the gateway's own: one error shape whoever answered; a 5xx there is a 502/503/504 here. */
function relayedError(reply: Reply): AppError | { status: number; body: unknown } {
  const body = reply.body && typeof reply.body === 'object' && !Array.isArray(reply.body) ? (reply.body as Record<string, unknown>) : {};
  const message = typeof body.message === 'string' ? body.message : `a service answered ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`.trim();
  if (reply.status >= 500) return new AppError(reply.status === 500 ? 'UPSTREAM_FAILED' : codeForStatus(reply.status), message);
  const { upstream: _internal, ...extra } = body;
  return { status: reply.status, body: errorBody(reply.status, message, extra) };
}

/** How many users the gateway remembers identity has (past that, the least recently seen is asked about again). */
const KNOWN_USERS = 100_000;

/** The public API (`/api/v1`), the same in every variant. */
export function gatewayApp({ http, commands, tokens, revoked = memoryRevocations(), variant, push, limits }: GatewayDeps, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('gateway', ...edge);
  const health = healthCheck(http, variant);

  // Users identity has answered for: registered or logged in through this gateway, or asked about once.
  const known = new LRUCache<string, true>({ max: KNOWN_USERS });
  const auth: RequestHandler = async (req, res, next) => {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match) throw unauthorized('missing bearer token (Authorization: Bearer <accessToken>)');
    const claims = await tokens.verify(match[1]);
    if (revoked.has(claims.jti)) throw unauthorized('access token was logged out; log in again');
    if (!known.has(claims.userId)) {
      // A token signed by this key for a user identity does not have (its registration undone, its database lost).
      const reply = await http.call(traceOf(res), 'identity', 'GET', `/users/${encodeURIComponent(claims.userId)}`);
      if (reply.status === 404) throw unauthorized('the user of this access token no longer exists');
      if (reply.status >= 400) {
        const error = relayedError(reply);
        throw error instanceof AppError ? error : new AppError('UPSTREAM_FAILED', `identity answered ${reply.status} when asked about the user`);
      }
      known.set(claims.userId, true);
    }
    res.locals.user = claims;
    next();
  };
  const user = (res: Response) => res.locals.user as TokenClaims;
  const send = (res: Response, reply: Reply, shape: (body: any) => any = (b) => b, location?: (shaped: any) => string) => {
    if (reply.status >= 400) {
      const error = relayedError(reply);
      if (error instanceof AppError) throw error;
      res.status(error.status).json(error.body);
    } else if (reply.status === 204 || reply.body === undefined) res.status(reply.status).end();
    else {
      const body = shape(reply.body);
      if (location && (reply.status === 201 || reply.status === 202)) res.location(location(body));
      res.status(reply.status).json(body);
    }
  };
  const route = (path: string, handlers: Partial<Record<'get' | 'post' | 'put', (req: Request, res: Response, next: NextFunction) => unknown>>, guarded = true) => {
    const r = app.route(`/api/v1${path}`);
    for (const [method, handler] of Object.entries(handlers)) r[method as 'get'](...(guarded ? [auth] : []), handler as RequestHandler);
    const allow = Object.keys(handlers).flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()])).join(', ');
    r.all((req, res, next) => {
      res.set('Allow', allow);
      methodNotAllowed(req, res, next);
    });
  };

  route('/health', { get: async (_req, res) => health.answer(res) }, false);
  route(
    '/identity/register',
    {
      post: async (req, res) => {
        if (limits && !(await limits.admit('registration', req, res))) return;
        const reply = await commands.register(traceOf(res), validate(registrationForm, req.body));
        if ((reply.status === 201 || reply.status === 202) && typeof reply.body?.id === 'string') known.set(reply.body.id, true);
        send(res, reply, undefined, locations.user);
      },
    },
    false,
  );
  route(
    '/identity/login',
    {
      post: async (req, res) => {
        if (limits && !(await limits.admit('login', req, res))) return;
        const form = validate(loginForm, req.body);
        if (limits && (await limits.refuseLocked(form.email, res))) return;
        const reply = await http.call(traceOf(res), 'identity', 'POST', '/login', form);
        if (limits && (reply.status === 200 || reply.status === 401)) await limits.loginOutcome(form.email, reply.status === 200);
        if (reply.status === 200 && typeof reply.body?.accessToken === 'string') known.set((await tokens.verify(reply.body.accessToken)).userId, true);
        send(res, reply);
      },
    },
    false,
  );
  route('/identity/logout', {
    post: (_req, res) => {
      revoked.revoke(user(res).jti, user(res).exp);
      res.status(204).end();
    },
  });
  route('/identity/profile', {
    get: async (_req, res) => send(res, await http.call(traceOf(res), 'identity', 'GET', `/users/${user(res).userId}`)),
    put: async (req, res) => send(res, await http.call(traceOf(res), 'identity', 'PUT', `/users/${user(res).userId}`, validate(profilePatch, req.body))),
  });
  route('/billing/account', { get: async (_req, res) => send(res, await http.call(traceOf(res), 'billing', 'GET', `/accounts/${user(res).userId}`), publicModel.account) });
  route('/billing/account/deposit', {
    post: async (req, res) => {
      const { amount } = validate(money('amount'), req.body);
      send(res, await commands.deposit(traceOf(res), user(res).userId, amount, keyOf(req)));
    },
  });
  route('/billing/account/withdraw', {
    post: async (req, res) => {
      const { amount } = validate(money('amount'), req.body);
      send(res, await commands.withdraw(traceOf(res), user(res).userId, amount, keyOf(req)));
    },
  });
  route('/ordering/orders', {
    post: async (req, res) => {
      const { price, items, address } = validate(placement, req.body);
      const reply = await commands.placeOrder(traceOf(res), user(res).userId, price, keyOf(req), items && address ? { items, address } : undefined);
      if (reply.status === 422 && reply.body?.order) reply.body = { ...reply.body, order: publicModel.order(reply.body.order) };
      send(res, reply, publicModel.order, locations.order);
    },
    get: async (_req, res) => send(res, await http.call(traceOf(res), 'order', 'GET', `/orders?userId=${encodeURIComponent(user(res).userId)}`), (list) => list.map(publicModel.order)),
  });
  /** The order as its owner may see it: a 404 for an id that is not theirs. */
  const readOrder = async (id: string, res: Response): Promise<Reply> => {
    const reply: Reply = UUID.test(id) ? await http.call(traceOf(res), 'order', 'GET', `/orders/${id}`) : { status: 404 };
    if (reply.status === 404 || (reply.status === 200 && reply.body?.userId !== user(res).userId)) throw notFound('order not found');
    return reply;
  };
  route('/ordering/orders/:id', {
    get: async (req, res) => send(res, await readOrder(String(req.params.id), res), publicModel.order),
  });
  // The saga: the customer cancels (202, the order as it stands; it ends cancelled with its compensations), or confirms receipt.
  route('/ordering/orders/:id/cancel', {
    post: async (req, res) => {
      await readOrder(String(req.params.id), res);
      send(res, await http.call(traceOf(res), 'order', 'POST', `/orders/${req.params.id}/cancel`), publicModel.order);
    },
  });
  route('/delivery/orders/:id/received', {
    post: async (req, res) => {
      await readOrder(String(req.params.id), res);
      send(res, await http.call(traceOf(res), 'order', 'POST', `/orders/${req.params.id}/received`));
    },
  });
  if (push) {
    // Server-sent events: the order's status now, then its final status the moment its outcome event arrives.
    route('/ordering/orders/:id/events', {
      get: async (req, res) => {
        const id = String(req.params.id);
        let wake = () => {};
        const stop = push.subscribe(id, () => wake());
        try {
          // Subscribed before the first read, so an outcome that arrives in between is not missed.
          let reply = await readOrder(id, res);
          if (reply.status !== 200) return send(res, reply);
          const release = limits ? limits.stream(user(res).userId, res) : () => {};
          if (!release) return;
          res.on('close', release);
          const stream = push.open(res);
          let closed = false;
          res.on('close', () => ((closed = true), wake()));
          const alive = setInterval(() => res.write(': still here\n\n'), KEEP_ALIVE_MS);
          try {
            stream.send('status', publicModel.order(reply.body));
            while (!isFinal(reply.body) && !closed) {
              await new Promise<void>((resolve) => (wake = resolve));
              if (closed) break;
              reply = await readOrder(id, res).catch((error: Error) => ({ status: 502, body: { message: error.message } }));
              if (reply.status !== 200) {
                // The order could not be read now: say so and end; the client polls or subscribes again.
                stream.send('error', { message: `the order could not be read (${reply.body?.message ?? reply.status}): poll it, or subscribe again` });
                break;
              }
              if (isFinal(reply.body)) stream.send('status', publicModel.order(reply.body));
            }
          } finally {
            clearInterval(alive);
            stream.end();
          }
        } finally {
          stop();
        }
      },
    });
  }
  // The saga's catalog and delivery zones: what an order may ask for and where it may go.
  route('/stock/items', { get: async (_req, res) => send(res, await http.call(traceOf(res), 'stock', 'GET', '/items')) }, false);
  route('/delivery/zones', { get: async (_req, res) => send(res, await http.call(traceOf(res), 'delivery', 'GET', '/zones')) }, false);
  route('/notifications', {
    get: async (_req, res) => send(res, await http.call(traceOf(res), 'notification', 'GET', `/notifications?userId=${encodeURIComponent(user(res).userId)}`), (list) => list.map(publicModel.notification)),
  });
  return finishServiceApp(app);
}
