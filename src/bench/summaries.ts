import { spreadOf, type Spread } from '../core/stats.js';
import type { LoadSummary } from './bench-report-schema.js';
import type { LoadResult } from './load-result.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The spread of repeated figures, rounded to 0.01. */
export function spread(values: number[]): Spread {
  const s = spreadOf(values);
  return { n: s.n, median: round2(s.median), min: round2(s.min), max: round2(s.max) };
}

/** The spread of a ratio measured pairwise, repeat by repeat (a[i] / b[i]); pairs whose divisor is 0 are left out. */
export function ratioSpread(a: number[], b: number[]): Spread {
  const ratios = a.flatMap((x, i) => (b[i] ? [Math.round((x / b[i]) * 1000) / 1000] : []));
  const s = spreadOf(ratios);
  return { n: s.n, median: Math.round(s.median * 1000) / 1000, min: s.min, max: s.max };
}

/** Non-2xx answers, errors and timeouts of one load. */
export const failuresOf = (load: LoadResult) => Object.entries(load.statusCodes).reduce((sum, [code, n]) => sum + (code.startsWith('2') ? 0 : n), 0) + load.errors + load.timeouts;

/** The repeats of one load: rates and percentiles as median with spread, counts as totals. */
export function summarizeLoads(loads: LoadResult[]): LoadSummary {
  const of = (pick: (l: LoadResult) => number) => spread(loads.map(pick));
  const total = (pick: (l: LoadResult) => number) => loads.reduce((sum, l) => sum + pick(l), 0);
  return {
    sentPerSecond: of((l) => l.sentPerSecond),
    answeredPerSecond: of((l) => l.answeredPerSecond),
    acceptedPerSecond: of((l) => l.acceptedPerSecond),
    p50: of((l) => l.latencyMs.p50),
    p90: of((l) => l.latencyMs.p90),
    p99: of((l) => l.latencyMs.p99),
    max: of((l) => l.latencyMs.max),
    samples: of((l) => l.samples),
    failures: total(failuresOf),
    late: total((l) => l.late),
    notSent: total((l) => l.notSent),
  };
}
