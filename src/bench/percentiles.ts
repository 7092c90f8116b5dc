import { percentile } from '../core/stats.js';
import type { Percentiles } from './bench-protocol.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/** p50, p90, p99 and max of any list of milliseconds (nearest rank), to 0.01 ms; zeros for an empty list. */
export function percentilesOf(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round2(percentile(sorted, 50)), p90: round2(percentile(sorted, 90)), p99: round2(percentile(sorted, 99)), max: round2(sorted[sorted.length - 1] ?? 0) };
}
