import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/** Random bytes drawn 4 KiB at a time: an id costs a slice of the pool, not a call into the system's generator. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function take(bytes: number): number {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const at = used;
  used += bytes;
  return at;
}

/** `bytes` random bytes in lower-case hex. */
export function randomHex(bytes: number): string {
  const at = take(bytes);
  return pool.toString('hex', at, at + bytes);
}

/**
 * A new id for a row or a message: a UUID whose first 48 bits are the time (version 7; `msecs`, ms since the
 * epoch, when given), so ids made one after another land next to each other in an index instead of at random
 * places in it.
 */
export function newId(msecs?: number): string {
  const at = take(16);
  return v7({ random: pool.subarray(at, at + 16), ...(msecs === undefined ? {} : { msecs }) });
}
