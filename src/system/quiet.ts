import { sleep } from '../core/duration.js';

/**
 * Polls `isQuiet` until it has held `rounds` times in a row (true), `timeoutMs` passed or `stop()` says
 * the system is going away (false): what "settled" means for a system in one process or in many.
 */
export async function untilQuiet(isQuiet: () => Promise<boolean>, timeoutMs: number, stop: () => boolean, rounds = 3): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline && !stop()) {
    quiet = (await isQuiet()) ? quiet + 1 : 0;
    if (quiet >= rounds) return true;
    await sleep(5);
  }
  return false;
}
