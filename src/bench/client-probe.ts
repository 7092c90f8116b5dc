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

const final = (status: unknown) => status === 'succeeded' || status === 'failed';

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
    const poll = (async () => {
      for (;;) {
        reads++;
        const read = await api.send('order-status', 'GET', `/ordering/orders/${id}`, { token });
        if (final(read.body?.status)) return performance.now() - started;
        await new Promise((r) => setTimeout(r, options.pollEveryMs));
      }
    })();
    const push = options.push
      ? api.watch('order-push', `/ordering/orders/${id}/events`, { token }, (e) => e.event !== 'status' || final(e.data?.status)).then((w) => {
          if (!final(w.body?.status)) throw new Error(`the probe's stream ended without the final status (${JSON.stringify(w.events.at(-1))})`);
          return performance.now() - started;
        })
      : undefined;
    polled.push(await poll);
    if (push) pushed.push(await push);
    api.actions.length = 0;
  }
  return {
    orders: polled.length,
    pollEveryMs: options.pollEveryMs,
    pollMs: percentilesOf(polled),
    readsPerOrder: polled.length ? Math.round((reads / polled.length) * 10) / 10 : 0,
    ...(options.push ? { pushMs: percentilesOf(pushed) } : {}),
  };
}
