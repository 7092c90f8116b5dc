import express, { type RequestHandler } from 'express';
import { AppError, errorBody } from '../core/errors.js';

/** Largest JSON body a service takes. */
export const BODY_LIMIT = '64kb';

/** How long a request body may take to arrive, unless the app sets `bodyTimeoutMs`. */
export const BODY_TIMEOUT_MS = 5_000;

/** What every refused body is told to do instead. */
export const SEND_JSON = 'send the body as JSON with Content-Type: application/json';

const parseJson = express.json({ limit: BODY_LIMIT });

/** Does the request carry a body (a non-zero Content-Length, or chunks)? */
const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

/**
 * Parses JSON bodies: a body that is not declared JSON is a 415, a body that has not fully
 * arrived within `bodyTimeoutMs` is answered 408 (JSON) and its connection closed.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  if (!hasBody(req.headers)) return next();
  if (!req.is('application/json')) {
    const type = req.headers['content-type'];
    return next(new AppError('UNSUPPORTED_MEDIA_TYPE', `${type ? `a body of type ${type.split(';')[0]} is not taken` : 'the body has no Content-Type'}: ${SEND_JSON}`));
  }
  const timeoutMs = Number(req.app.get('bodyTimeoutMs') ?? BODY_TIMEOUT_MS);
  let settled = false;
  const timer = setTimeout(
    // After the next read of the sockets: a body that arrived while this process was held (a call waiting for a stalled database) is late by our clock, not the client's.
    () =>
      setImmediate(() => {
        if (settled) return;
        settled = true;
        if (res.headersSent || req.socket.destroyed) return;
        res.status(408).set('Connection', 'close').json(errorBody(408, `the request body did not arrive within ${timeoutMs / 1000} s; send the whole request at once`));
      }),
    timeoutMs,
  );
  // A client gone before its body arrived: nobody to answer.
  res.once('close', () => clearTimeout(timer));
  parseJson(req, res, (error?: unknown) => {
    clearTimeout(timer);
    if (settled) return;
    settled = true;
    next(error);
  });
};
