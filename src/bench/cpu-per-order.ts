import type { SutStats } from './bench-protocol.js';
import type { LoadResult } from './load-result.js';

/** The load's 2xx answers, counted (not rate × duration). */
export const answered2xx = (load: LoadResult) => Object.entries(load.statusCodes).reduce((n, [code, count]) => n + (code.startsWith('2') ? count : 0), 0);

/**
 * CPU milliseconds per order of one measured load: the CPU spent from the load's start until its orders settled,
 * over the orders completed in that window by the system's own records (`completedInWindow`); where there are no
 * orders (the floor), over the load's 2xx answers. Rounded to 0.001 ms; NaN-free (at least one order).
 */
export function cpuMsPerOrder(stats: Pick<SutStats, 'cpuSeconds' | 'completedInWindow'>, load: LoadResult): number {
  const orders = stats.completedInWindow ?? answered2xx(load);
  return Math.round(((stats.cpuSeconds * 1000) / Math.max(1, orders)) * 1000) / 1000;
}
