import { LOAD_ORDER } from './order-outcomes.js';
import autocannon from 'autocannon';
import type { BenchUser } from './bench-protocol.js';
import { assertLoopback, type LoadResult, type LoadTick } from './load-result.js';

/** How to load in a closed loop. */
export interface ClosedLoopOptions {
  connections: number;
  durationSeconds: number;
  signal?: AbortSignal;
}

/** The request of a load: POST an order of 1.00 as the next customer in turn, or, without customers, GET the path. */
export function autocannonRequest(path: string, users: BenchUser[]): autocannon.Request {
  let next = 0;
  const body = JSON.stringify(LOAD_ORDER);
  return users.length
    ? { method: 'POST', path, setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${users[next++ % users.length].token}` }, body }) }
    : { method: 'GET', path };
}

/**
 * Saturates `path` with autocannon: `connections` connections, each sending its next request as soon as the
 * last is answered (latency from the send). An abort stops it early.
 */
export async function runClosedLoop(url: string, path: string, users: BenchUser[], options: ClosedLoopOptions, onTick: LoadTick): Promise<LoadResult> {
  assertLoopback(url);
  let answered = 0;
  const started = Date.now();
  const ticker = setInterval(() => onTick((Date.now() - started) / 1000, answered), 250);
  let stop = () => {};
  try {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon({ url, connections: options.connections, duration: options.durationSeconds, requests: [autocannonRequest(path, users)], timeout: 10 }, (error, done) =>
        error ? reject(error) : resolve(done),
      );
      instance.on('response', () => answered++);
      stop = () => instance.stop();
      options.signal?.addEventListener('abort', stop, { once: true });
    });
    const seconds = Math.max(0.001, result.duration);
    const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat?.count ?? 0]));
    const perSecond = (n: number) => Math.round(n / seconds);
    return {
      mode: 'closed',
      sentPerSecond: perSecond(result.requests.sent ?? result.requests.total),
      answeredPerSecond: perSecond(result.requests.total),
      acceptedPerSecond: perSecond(result['2xx']),
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      samples: (result.latency as { totalCount?: number }).totalCount ?? result.requests.total,
      statusCodes,
      // autocannon counts a timeout among its errors too.
      errors: result.errors - result.timeouts,
      timeouts: result.timeouts,
      late: 0,
      notSent: 0,
    };
  } finally {
    clearInterval(ticker);
    // One bench runs many loads on one signal: a listener left behind per load would pile up (and hold its load).
    options.signal?.removeEventListener('abort', stop);
  }
}
