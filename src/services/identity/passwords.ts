import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';
import { AppError } from '../../core/errors.js';

const PARAMS: ScryptOptions = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

/**
 * scrypt runs on libuv's thread pool (4 threads), which the rest of the process needs too (files, DNS,
 * other crypto): at most two hashes run at once, and past HASH_QUEUE waiting a sign-up or login is
 * refused at once (503) rather than making everyone wait behind a flood.
 */
const hashing = pLimit(2);
const HASH_QUEUE = 200;

const derive = (password: string, salt: Buffer) => {
  if (hashing.pendingCount >= HASH_QUEUE) {
    return Promise.reject(new AppError('SERVICE_UNAVAILABLE', 'too many sign-ups and logins at once: try again in a moment'));
  }
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password, salt, KEY_LENGTH, PARAMS, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
};

/** `scrypt$<salt>$<key>`, both base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${(await derive(password, salt)).toString('base64')}`;
}

/** Whether `password` is the one `stored` was made from (constant-time comparison). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
