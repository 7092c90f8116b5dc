import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';
import { AppError } from '../../core/errors.js';

const KEY_LENGTH = 32;
/** scrypt's cost N by default: 2^14 (16 MB and some 50 ms of a core per hash). */
const DEFAULT_COST = 16_384;

/**
 * The cost new hashes are made with: DEFAULT_COST, or ORDERCTL_SCRYPT_COST (a power of two from 1,024
 * to 1,048,576) — the test suite's config sets 1,024, as test runs of web frameworks use a cheap hasher.
 * Each hash keeps its cost, so hashes made with another still verify.
 */
function hashCost(): number {
  const named = process.env.ORDERCTL_SCRYPT_COST;
  if (named === undefined || named === '') return DEFAULT_COST;
  const n = Number(named);
  if (!Number.isInteger(n) || n < 1_024 || n > 1_048_576 || (n & (n - 1)) !== 0) throw new Error(`ORDERCTL_SCRYPT_COST must be a power of two from 1024 to 1048576, not ${named}`);
  return n;
}

const params = (cost: number): ScryptOptions => ({ N: cost, r: 8, p: 1, maxmem: 256 * cost * 8 + 1_048_576 });

/**
 * scrypt runs on libuv's thread pool (4 threads), which the rest of the process needs too (files, DNS,
 * other crypto): at most two hashes run at once, and past HASH_QUEUE waiting a sign-up or login is
 * refused at once (503) rather than making everyone wait behind a flood.
 */
const hashing = pLimit(2);
const HASH_QUEUE = 200;

const derive = (password: string, salt: Buffer, cost: number) => {
  if (hashing.pendingCount >= HASH_QUEUE) {
    return Promise.reject(new AppError('SERVICE_UNAVAILABLE', 'too many sign-ups and logins at once: try again in a moment'));
  }
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password, salt, KEY_LENGTH, params(cost), (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
};

/** `scrypt$<cost>$<salt>$<key>`, salt and key in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const cost = hashCost();
  return `scrypt$${cost}$${salt.toString('base64')}$${(await derive(password, salt, cost)).toString('base64')}`;
}

/** Whether `password` is the one `stored` was made from (constant-time comparison); a hash without its cost (`scrypt$<salt>$<key>`) was made with DEFAULT_COST. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const [scheme, costText, salt, key] = parts.length === 3 ? [parts[0], String(DEFAULT_COST), parts[1], parts[2]] : parts;
  const cost = Number(costText);
  if (scheme !== 'scrypt' || parts.length > 4 || !salt || !key || !Number.isInteger(cost) || cost < 2 || cost > 1_048_576 || (cost & (cost - 1)) !== 0) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), cost);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
