import type { BenchReport } from './bench-report-schema.js';

/** What accepted and completed orders/s count, as every place that shows them says it (src/bench/order-outcomes.ts, closed-loop.ts, open-loop.ts). */
export function ordersDefined(settings: BenchReport['settings']): string {
  const d = settings.durationSeconds;
  if (settings.rate) {
    return (
      `Accepted orders/s: the load's orders the gateway answered 2xx (a 202 "pending" counts, though it is not the outcome), per second from the first send to the last answer. ` +
      `Completed orders/s: the load's orders sent in the measured ${d} s that became final (succeeded or failed: every one of them, read back from the order service through the public API once the system settled; not the warm-up's, nor the probes'), per second from the window's start to the last of them; ` +
      `so it exceeds accepted only when orders answered otherwise (an error, a timeout) still completed.`
    );
  }
  return (
    `Accepted orders/s: the load's orders the gateway answered 2xx within the measured ${d} s (a 202 "pending" counts, though it is not the outcome), per second. ` +
    `Completed orders/s: the load's orders that reached the gateway in those ${d} s and became final (succeeded or failed: every one of them, read back from the order service through the public API once the system settled; not the warm-up's, nor the probes'), per second from the window's start to the last of them; ` +
    `it can exceed accepted because the load generator stops counting at the window's end while the up to ${settings.connections} orders then in flight still complete.`
  );
}

/** Accepted orders/s in one sentence, for the tables that show only it. */
export const ACCEPTED_DEFINED = 'Accepted orders/s: the load\'s orders the gateway answered 2xx (a 202 "pending" counts, though it is not the outcome), per second of the measured load.';

/** Both in one sentence, where a table only names them. */
export const ORDERS_DEFINED_SHORT =
  'Accepted orders/s count 2xx answers at the gateway (a 202 "pending" counts); completed orders/s count the load\'s orders that became final, read back from the order service, and can exceed accepted by the orders still in flight when the load stopped counting.';

/** CPU milliseconds per order, as every table that shows it says it (src/bench/cpu-per-order.ts, bench-child.ts). */
export const CPU_PER_ORDER_DEFINED =
  'CPU ms per order: the processor time (user + system) the system under test spent from the start of the measured load until that load\'s orders had settled (boot, customers and warm-up left out; with one process per service, each service\'s processes over the same window), divided by the orders placed in that window that became final by its own records (the floor, which keeps none: by its 2xx answers); unlike orders/s it holds on a busy machine.';
