import type { ErrorRequestHandler } from 'express';
import { AppError, errorBody } from '../core/errors.js';
import { BODY_LIMIT, SEND_JSON } from './json-body.js';

/** What the client is told about an error: status, sentence, extra facts. */
interface Described {
  status: number;
  message: string;
  extra?: Record<string, unknown>;
}

/** Body-parser's and the router's errors, said for people. */
function describe(error: any): Described | undefined {
  switch (error?.type) {
    case 'entity.parse.failed':
      return { status: 400, message: 'request body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, message: `request body is larger than ${BODY_LIMIT.replace('kb', ' kB')}` };
    case 'charset.unsupported':
      return { status: 415, message: `charset ${String(error.charset ?? '').toUpperCase()} is not taken: ${SEND_JSON} in UTF-8` };
    case 'encoding.unsupported':
      return { status: 415, message: `content encoding ${error.encoding ?? ''} is not taken: ${SEND_JSON}, plain or gzip` };
    case 'request.aborted':
      return { status: 400, message: 'the request was aborted before its body arrived' };
    case 'request.size.invalid':
      return { status: 400, message: 'the request body does not match its Content-Length' };
  }
  const status = typeof error?.status === 'number' ? error.status : typeof error?.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) return { status, message: String(error.message || 'bad request') };
  return undefined;
}

/** Every error as the one JSON error shape `{code, error, message}`; details only on 4xx (a 5xx never tells internals). */
export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  let described: Described | undefined;
  if (error instanceof AppError) described = { status: error.status, message: error.message, extra: error.status < 500 ? error.details : undefined };
  else described = describe(error);
  if (!described) {
    console.error(`[${req.method} ${req.path}]`, error);
    described = { status: 500, message: 'internal error' };
  }
  res.status(described.status).json(errorBody(described.status, described.message, described.extra));
};
