import express, { type Express, type RequestHandler, type Response } from 'express';
import { createServer, type Server } from 'node:http';
import { errorBody } from '../core/errors.js';
import { newSpanId, newTraceId, parseTraceparent, type TraceContext } from '../tracing/context.js';
import { answerClientErrors } from './client-errors.js';
import { errorHandler } from './error-handler.js';
import { jsonBody } from './json-body.js';

/** What a service depends on and whether each answers now: undefined when it does, else why not. */
export type DependencyProbe = () => Record<string, string | undefined>;

/** The one path of every service that answers without a credential: what a readiness probe asks. */
export const HEALTH_PATH = '/health';

/** Lets only the callers `guard` admits reach a service's routes (its health excepted): the node sets it on every service it serves but the gateway. */
export const guardCallers = (app: Express, guard: RequestHandler): void => void (app.locals.callerGuard = guard);

/** Gives a service's app the probe its `GET /health` reports (the store, the broker); without one, only the process is said to be up. */
export const probeDependencies = (app: Express, probe: DependencyProbe): void => void (app.locals.dependencies = probe);

/**
 * Express app of one service: `GET /health` (200 when every dependency answers, else 503 naming what
 * does not), JSON in and out, trace context from `traceparent`, JSON errors.
 */
export function createServiceApp(service: string, ...edge: RequestHandler[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Before the edge handlers: a health probe is neither slowed down nor recorded.
  app.get(HEALTH_PATH, (_req, res) => {
    const probe = app.locals.dependencies as DependencyProbe | undefined;
    const found = Object.entries(probe?.() ?? {});
    const down = found.filter(([, why]) => why !== undefined);
    const dependencies = Object.fromEntries(found.map(([name, why]) => [name, why === undefined ? 'ok' : 'down']));
    res.set('Cache-Control', 'no-store');
    if (!down.length) return void res.json({ status: 'ok', service, dependencies });
    res.status(503).json(errorBody(503, down.map(([name, why]) => `${name}: ${why}`).join('; '), { status: 'down', service, dependencies }));
  });
  app.use((req, res, next) => {
    const guard = app.locals.callerGuard as RequestHandler | undefined;
    if (guard) guard(req, res, next);
    else next();
  });
  app.use(traceContext(service), ...edge, jsonBody);
  return app;
}

/** Ends an app's routes: unknown paths get a JSON 404, errors a JSON error with their status. */
export function finishServiceApp(app: Express): Express {
  app.use((req, res) => {
    res.status(404).json(errorBody(404, `no route for ${req.method} ${req.path}`));
  });
  app.use(errorHandler);
  return app;
}

/** Answers 405 for a known path called with a method it does not take. */
export const methodNotAllowed: RequestHandler = (req, res) => {
  res.status(405).json(errorBody(405, `${req.method} is not allowed on ${req.path}`));
};

/** The trace context of the request `res` answers: what its writes, calls and notes carry (set before every route). */
export const traceOf = (res: Response): TraceContext => res.locals.trace as TraceContext;

function traceContext(service: string): RequestHandler {
  return (req, res, next) => {
    const parent = parseTraceparent(req.headers.traceparent);
    const correlation = req.headers['x-correlation-id'];
    res.locals.trace = {
      service,
      traceId: parent?.traceId ?? newTraceId(),
      spanId: parent?.spanId ?? newSpanId(),
      correlationId: typeof correlation === 'string' ? correlation : undefined,
    } satisfies TraceContext;
    next();
  };
}

/** How long a server waits for slow clients. */
export interface HttpLimits {
  /** For a request's headers to be complete. */
  headersTimeoutMs: number;
  /** For the whole request (headers and body) to be complete: the backstop behind the body parser's own timeout. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
}

/** Slow clients are cut after seconds, not minutes. */
export const HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 15_000, keepAliveTimeoutMs: 5_000 };

/** Listens on 127.0.0.1 (ephemeral port unless given) and returns the server and its base URL. */
export async function listen(app: Express, port = 0, options: Partial<HttpLimits> & { host?: string } = {}): Promise<{ server: Server; url: string }> {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = { ...HTTP_LIMITS, ...options };
  const host = options.host ?? '127.0.0.1';
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: Math.max(requestTimeoutMs, headersTimeoutMs),
      keepAliveTimeout: keepAliveTimeoutMs,
      // How often Node looks for requests past those timeouts (its default, 30 s, would add up to 30 s to each).
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    },
    app,
  );
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return { server, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}` };
}

/**
 * Stops accepting and lets the requests in flight finish: keep-alive connections are closed as soon as
 * they fall idle, and whatever is still open after `graceMs` is dropped.
 */
export async function closeServer(server: Server, graceMs = 5_000): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  server.closeIdleConnections();
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(force);
  }
}
