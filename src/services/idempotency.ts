import { AppError } from '../core/errors.js';

/** The answer to a request whose Idempotency-Key was used before for a request with another body. */
export const keyReused = (key: string) => new AppError('UNPROCESSABLE', `Idempotency-Key "${key}" was already used for a different request: send a new key for a new request`);

/** How long an Idempotency-Key is kept: a request sent again within a day gets its first answer; after that, the key is forgotten and may be used anew. */
export const KEY_RETENTION_MS = 24 * 3_600_000;

/** The longest Idempotency-Key the services accept. */
export const MAX_KEY_LENGTH = 200;
