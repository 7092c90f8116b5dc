// The project's own acceptance targets for the bench. Used only by tests and by `scripts/bench-targets.ts`,
// never in the user's report: a user gets neutral comparisons, not our verdicts.
import { spreadOf } from '../core/stats.js';
import type { BenchReport } from './bench-report-schema.js';
import { runName } from './comparisons.js';

/** One target against a report: met, not met, or not measured in it (null). */
export interface TargetVerdict {
  target: string;
  met: boolean | null;
  detail: string;
}

/** Checks the medians of a report against the project's targets (the spread is shown, but the median decides). */
export function evaluateTargets(report: Pick<BenchReport, 'runs' | 'baselines'>): TargetVerdict[] {
  // The spec's claims are about the all-REST style (http) and the one that answers orders later (hybrid).
  const run = (trait: string) => report.runs.find((r) => r.traits.includes(trait) && r.broker === 'in-process' && r.store === 'sqlite');
  const out: TargetVerdict[] = [];
  const add = (target: string, ratio: { median: number; min: number; max: number; n: number } | undefined, threshold: number) =>
    out.push(
      ratio
        ? { target, met: ratio.median >= threshold, detail: `${ratio.median.toFixed(3)}× (n=${ratio.n}, ${ratio.min}–${ratio.max}) against ${threshold}×`.replace(/(\d+\.\d{3})\d+/g, "$1") }
        : { target, met: null, detail: 'not measured' },
    );
  const http = run('all-rest');
  const hybrid = run('answers-orders-later');
  add('http orders/s ≥ 0.15 × express hello-world req/s', http?.ratios.toExpressHello, 0.15);
  const completed = hybrid?.repeats.map((x) => x.sut.orders?.completedPerSecond ?? 0);
  const accepted = http?.repeats.map((x) => x.load.acceptedPerSecond);
  const pairs = completed && accepted ? completed.flatMap((c, i) => (accepted[i] ? [c / accepted[i]] : [])) : [];
  add('hybrid completed orders/s ≥ 1.5 × http orders/s', pairs.length ? spreadOf(pairs) : undefined, 1.5);
  for (const r of report.runs) add(`${runName(r)}: tracing on ≥ 0.9 × tracing off`, r.ratios.tracingOnToOff, 0.9);
  const half = hybrid?.halfLoad;
  out.push(half ? { target: 'hybrid p99 to notification ≤ 50 ms at half its saturation', met: half.toNotificationP99.median <= 50, detail: `${half.toNotificationP99.median} ms (n=${half.toNotificationP99.n}) at ${half.rate}/s` } : { target: 'hybrid p99 to notification ≤ 50 ms at half its saturation', met: null, detail: 'not measured' });
  return out;
}
