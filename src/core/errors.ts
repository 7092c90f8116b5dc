/** Stable machine-readable error codes used across services, gateway and CLI. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'REQUEST_TIMEOUT'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE'
  | 'TOO_MANY_REQUESTS'
  | 'HEADERS_TOO_LARGE'
  | 'UPSTREAM_FAILED'
  | 'SERVICE_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'REPLY_TIMEOUT'
  | 'TRANSPORT_CLOSED'
  | 'SHUTTING_DOWN'
  | 'USAGE'
  | 'INTERNAL';

const statusByCode: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  TOO_MANY_REQUESTS: 429,
  HEADERS_TOO_LARGE: 431,
  UPSTREAM_FAILED: 502,
  SERVICE_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
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

/** Codes that say something a step depends on is unreachable now (a service, the database), not that the step itself is wrong. */
const DEPENDENCY_DOWN = new Set<ErrorCode>(['UPSTREAM_FAILED', 'UPSTREAM_TIMEOUT', 'SERVICE_UNAVAILABLE', 'REPLY_TIMEOUT', 'STORE_UNAVAILABLE']);

/** Whether an error says a dependency is down (worth trying again later) rather than that the work itself failed. */
export const isDependencyDown = (error: unknown): boolean => error instanceof AppError && DEPENDENCY_DOWN.has(error.code);

/** The one code each HTTP status is known by in an answer (the first of statusByCode with that status). */
const codeByStatus = new Map<number, ErrorCode>();
for (const [code, status] of Object.entries(statusByCode) as [ErrorCode, number][]) if (!codeByStatus.has(status)) codeByStatus.set(status, code);

/** Maps an HTTP status (one received from another service, or one being answered) to its error code. */
export function codeForStatus(status: number): ErrorCode {
  return codeByStatus.get(status) ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

/** The body of every error answer, in every service and every style: `{code, error, message}` plus extra facts. */
export interface ErrorBody {
  /** The HTTP status. */
  code: number;
  /** The status's code name (BAD_REQUEST, NOT_FOUND, ...). */
  error: ErrorCode;
  /** A sentence for people. */
  message: string;
  [extra: string]: unknown;
}

/** Builds the error body for `status`; extra fields never override the three fixed ones. */
export function errorBody(status: number, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  const { code: _c, error: _e, message: _m, ...rest } = extra;
  return { code: status, error: codeForStatus(status), message, ...rest };
}
