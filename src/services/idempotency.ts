import { AppError } from '../core/errors.js';

/** The answer to a request whose Idempotency-Key was used before for a request with another body. */
export const keyReused = (key: string) => new AppError('UNPROCESSABLE', `Idempotency-Key "${key}" was already used for a different request: send a new key for a new request`);

/** The longest Idempotency-Key the services accept. */
export const MAX_KEY_LENGTH = 200;
