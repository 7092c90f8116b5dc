import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Server } from 'node:http';
import { AppError } from '../core/errors.js';
import { currentTrace, newSpanId, newTraceId, parseTraceparent, withTrace } from '../tracing/context.js';

const errorBody = (status: number, message: string, extra: Record<string, unknown> = {}) => ({ code: status, message, ...extra });

/** Express app of one service: JSON in and out, trace context from `traceparent`, JSON errors. */
export function createServiceApp(service: string, ...edge: RequestHandler[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(traceContext(service), ...edge, jsonBody);
  return app;
}

const parseJson = express.json({ limit: '64kb' });

/** Parses JSON bodies, then re-enters the request's trace context (stream callbacks lose it). */
const jsonBody: RequestHandler = (req, res, next) => {
  const trace = currentTrace();
  parseJson(req, res, (error?: unknown) => (trace ? withTrace(trace, () => next(error)) : next(error)));
};

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

function traceContext(service: string): RequestHandler {
  return (req, _res, next) => {
    const parent = parseTraceparent(req.headers.traceparent);
    const correlation = req.headers['x-correlation-id'];
    withTrace(
      {
        service,
        traceId: parent?.traceId ?? newTraceId(),
        spanId: parent?.spanId ?? newSpanId(),
        correlationId: typeof correlation === 'string' ? correlation : undefined,
      },
      next,
    );
  };
}

const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof AppError) {
    res.status(error.status).json(errorBody(error.status, error.message, { error: error.code, ...error.details }));
    return;
  }
  const status = typeof error?.status === 'number' ? error.status : 500;
  if (error?.type === 'entity.parse.failed') {
    res.status(400).json(errorBody(400, 'request body is not valid JSON', { error: 'BAD_REQUEST' }));
  } else if (status >= 400 && status < 500) {
    res.status(status).json(errorBody(status, String(error.message ?? 'bad request'), { error: 'BAD_REQUEST' }));
  } else {
    console.error(`[${req.method} ${req.path}]`, error);
    res.status(500).json(errorBody(500, 'internal error', { error: 'INTERNAL' }));
  }
};

/** Listens on 127.0.0.1 (ephemeral port unless given) and returns the server and its base URL. */
export async function listen(app: Express, port = 0): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  server.keepAliveTimeout = 5_000;
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

/** Stops accepting, lets requests in flight finish (for at most `graceMs`), then drops what is left. */
export async function closeServer(server: Server, graceMs = 5_000): Promise<void> {
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
