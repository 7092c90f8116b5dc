/** Stable machine-readable error codes used across services, gateway and CLI. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'UNPROCESSABLE'
  | 'UPSTREAM_FAILED'
  | 'UPSTREAM_TIMEOUT'
  | 'REPLY_TIMEOUT'
  | 'TRANSPORT_CLOSED'
  | 'SHUTTING_DOWN'
  | 'USAGE'
  | 'INTERNAL';

const statusByCode: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  UPSTREAM_FAILED: 502,
  UPSTREAM_TIMEOUT: 504,
  REPLY_TIMEOUT: 504,
  TRANSPORT_CLOSED: 503,
  SHUTTING_DOWN: 503,
  USAGE: 400,
  INTERNAL: 500,
};

/** An error that knows its code, its HTTP status and a message fit for a user. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusByCode[code];
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError('BAD_REQUEST', message, details);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const unauthorized = (message: string) => new AppError('UNAUTHORIZED', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);

/** Maps an HTTP status received from another service back to an error code. */
export function codeForStatus(status: number): ErrorCode {
  const found = (Object.entries(statusByCode) as [ErrorCode, number][]).find(([, s]) => s === status);
  return found ? found[0] : status >= 500 ? 'UPSTREAM_FAILED' : 'BAD_REQUEST';
}
