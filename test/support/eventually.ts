import { sleep } from '../../src/core/duration.js';

/**
 * Reads `read` until `ok` holds for its value and returns that value; throws, naming `what` and the
 * last value, when it still does not hold after `ms` (generous: a bound on a stuck system, never a
 * measure of speed, so a busy machine passes too).
 */
export async function eventually<T>(what: string, read: () => Promise<T> | T, ok: (value: T) => boolean = Boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)?.slice(0, 300)} after ${ms} ms`);
    await sleep(wait);
  }
}
