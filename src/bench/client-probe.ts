import { ApiClient } from '../scenarios/api-client.js';
import type { Percentiles } from './bench-protocol.js';
import { percentilesOf } from './percentiles.js';

/** How long one client took to learn its orders' final status: by polling, and by push where the style offers it. */
export interface ClientProbe {
  /** Orders the probe placed, one after the other. */
  orders: number;
  /** How often the polling client asked (ms between reads). */
  pollEveryMs: number;
  /** From the POST to the final status seen by polling. */
  pollMs: Percentiles;
  /** Reads per order the polling client made. */
  readsPerOrder: number;
  /** From the POST to the final status told by push (server-sent events). */
  pushMs?: Percentiles;
}

/** A final order status: what a client waits for after a 202. */
export const isFinal = (status: unknown) => status === 'succeeded' || status === 'failed';

/** Reads order `id` every `everyMs` until it is final; resolves with the ms since `started` (performance.now()) and the reads made. */
export async function pollUntilFinal(api: ApiClient, token: string, id: string, everyMs: number, started: number, signal?: AbortSignal): Promise<{ ms: number; reads: number }> {
  for (let reads = 1; ; reads++) {
    const read = await api.send('order-status', 'GET', `/ordering/orders/${id}`, { token });
    if (isFinal(read.body?.status)) return { ms: performance.now() - started, reads };
    if (signal?.aborted) throw new Error(`the probe stopped polling order ${id}: the bench was interrupted`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Subscribes to order `id`'s event stream until it tells the final status; resolves with the ms since `started`. */
export async function pushUntilFinal(api: ApiClient, token: string, id: string, started: number): Promise<number> {
  const watched = await api.watch('order-push', `/ordering/orders/${id}/events`, { token }, (e) => e.event !== 'status' || isFinal(e.data?.status));
  if (!isFinal(watched.body?.status)) throw new Error(`the probe's stream ended without the final status (${JSON.stringify(watched.events.at(-1))})`);
  return performance.now() - started;
}

/**
 * One client ordering one order at a time for `seconds`, next to the load: after each 202 it learns the
 * outcome both ways at once — reading the order every `pollEveryMs`, and (with `push`) on the order's
 * event stream — so both are timed on the same orders under the same load.
 */
export async function probeClient(url: string, token: string, options: { seconds: number; pollEveryMs: number; push: boolean; signal?: AbortSignal }): Promise<ClientProbe> {
  const api = new ApiClient(url);
  const polled: number[] = [];
  const pushed: number[] = [];
  let reads = 0;
  const until = performance.now() + options.seconds * 1000;
  while (performance.now() < until && !options.signal?.aborted) {
    const started = performance.now();
    const placed = await api.send('order', 'POST', '/ordering/orders', { token, body: { price: 0.01 } });
    if (placed.status !== 202) throw new Error(`the probe's order was answered ${placed.status}, not 202`);
    const id = placed.body.id as string;
    const poll = pollUntilFinal(api, token, id, options.pollEveryMs, started);
    const push = options.push ? pushUntilFinal(api, token, id, started) : undefined;
    const polledOnce = await poll;
    reads += polledOnce.reads;
    polled.push(polledOnce.ms);
    if (push) pushed.push(await push);
    api.actions.length = 0;
    api.history.length = 0;
  }
  return {
    orders: polled.length,
    pollEveryMs: options.pollEveryMs,
    pollMs: percentilesOf(polled),
    readsPerOrder: polled.length ? Math.round((reads / polled.length) * 10) / 10 : 0,
    ...(options.push ? { pushMs: percentilesOf(pushed) } : {}),
  };
}
