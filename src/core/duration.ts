import { setTimeout as delay } from 'node:timers/promises';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Parses `250ms`, `5s`, `1.5s`, `2m` or a bare number of milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new Error(`not a duration: "${value}" (use e.g. 500ms, 5s, 2m)`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits `ms` at least by the high-resolution clock that times hops (a timer may fire up to a millisecond early by it). */
export async function sleepAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) await sleep(Math.ceil(left));
}

/** Waits `ms`, or less when `signal` aborts first (a stop cuts the pause short); never rejects. */
export const pauseUnless = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => undefined);
