import autocannon from 'autocannon';
import type { BenchUser, Percentiles } from './bench-protocol.js';

/** How to load. */
export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /** Open loop: this many requests per second in all, whatever the answers (default: as fast as answers come). */
  rate?: number;
}

/** What the client side saw. */
export interface LoadResult {
  requestsPerSecond: number;
  /** Answered 2xx, per second. */
  acceptedPerSecond: number;
  latencyMs: Percentiles;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

/**
 * Loads `path` with autocannon: POSTs an order of 1.00 as the next customer in turn (each request
 * a different user, with its own token) or, without users, GETs the path. `onTick` hears the elapsed seconds.
 */
export async function runLoad(url: string, path: string, users: BenchUser[], options: LoadOptions, onTick: (seconds: number, requests: number) => void): Promise<LoadResult> {
  let next = 0;
  const body = JSON.stringify({ price: 1 });
  const request: autocannon.Request = users.length
    ? {
        method: 'POST',
        path,
        setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${users[next++ % users.length].token}` }, body }),
      }
    : { method: 'GET', path };
  let answered = 0;
  const started = Date.now();
  const ticker = setInterval(() => onTick((Date.now() - started) / 1000, answered), 250);
  try {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        { url, connections: options.connections, duration: options.durationSeconds, ...(options.rate ? { overallRate: options.rate } : {}), requests: [request], timeout: 10 },
        (error, done) => (error ? reject(error) : resolve(done)),
      );
      instance.on('response', () => answered++);
    });
    const seconds = Math.max(0.001, result.duration);
    const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat?.count ?? 0]));
    return {
      requestsPerSecond: Math.round(result.requests.total / seconds),
      acceptedPerSecond: Math.round(result['2xx'] / seconds),
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      statusCodes,
      errors: result.errors,
      timeouts: result.timeouts,
    };
  } finally {
    clearInterval(ticker);
  }
}
