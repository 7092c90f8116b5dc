import type { RequestHandler } from 'express';
import { errorBody } from '../core/errors.js';
import type { Share } from '../faults/fault.js';

/** Answers 503 at a service's edge, before any work, for the share of its requests a `fail` fault asks for; passes the rest on. */
export function failingEdge(service: string, share: () => Share | undefined): RequestHandler {
  return (_req, res, next) => {
    if (!share()?.take()) return next();
    res.status(503).json(errorBody(503, `${service} is unavailable for this request (a fault the scenario injected fails a share of them)`));
  };
}
