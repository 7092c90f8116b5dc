import type { TopLevelSpec } from 'vega-lite';
import { barChartSpec } from '../charts/bar-chart.js';
import type { ChartPoint } from '../charts/chart-data.js';
import { lineChartSpec } from '../charts/line-chart.js';
import type { Spread } from '../core/stats.js';
import type { BenchReport } from './bench-report-schema.js';
import { runName } from './comparisons.js';

/** One chart of the report: the file name (without extension), its title, its spec, and the table that holds its figures. */
export interface BenchChart {
  name: string;
  title: string;
  table: string;
  spec: TopLevelSpec;
}

const point = (x: string | number, series: string, s: Spread): ChartPoint => ({ x, series, median: s.median, min: s.min, max: s.max, n: s.n });

/** The table titles the charts point to (each chart's figures are in it). */
export const TABLES = {
  throughput: 'Order placement under load',
  latency: 'Client latency',
  inside: 'Inside the system',
  steps: 'Latency against load',
} as const;

/** The charts of a bench: orders/s, client latency, time to notification, and p99 against offered load (with --load-steps). */
export function benchCharts(report: BenchReport): BenchChart[] {
  const { repeat, durationSeconds } = report.settings;
  const whiskers = repeat > 1 ? 'whiskers: smallest to largest of the repeats' : 'one measurement each (--repeat 1): no spread to show';
  const bars = `bars: median of n=${repeat} repeat${repeat > 1 ? 's' : ''} of ${durationSeconds} s; ${whiskers}`;
  const charts: BenchChart[] = [];
  const orderPoints = report.runs.flatMap((r) => [
    point(runName(r), 'accepted (2xx answers at the gateway)', r.summary.load.acceptedPerSecond),
    ...(r.summary.completedPerSecond ? [point(runName(r), 'completed (reached their final status)', r.summary.completedPerSecond)] : []),
  ]);
  charts.push({
    name: 'orders',
    title: 'Orders per second',
    table: TABLES.throughput,
    spec: barChartSpec({ title: 'Orders per second', subtitle: [bars, `figures: table "${TABLES.throughput}"`], xTitle: 'variant (n = repeats)', yTitle: 'orders per second' }, orderPoints),
  });
  const samples = report.runs.map((r) => r.summary.load.samples.median);
  const latencyPoints = report.runs.flatMap((r) => [point(runName(r), 'p50', r.summary.load.p50), point(runName(r), 'p99', r.summary.load.p99)]);
  charts.push({
    name: 'latency',
    title: 'Client latency',
    table: TABLES.latency,
    spec: barChartSpec(
      { title: 'Client latency of placing an order', subtitle: [bars, `each percentile rests on ${Math.min(...samples)}–${Math.max(...samples)} answers per repeat; figures: table "${TABLES.latency}"`], xTitle: 'variant (n = repeats)', yTitle: 'latency (ms)' },
      latencyPoints,
    ),
  });
  const traced = report.runs.filter((r) => r.summary.toNotificationP50 && r.summary.toNotificationP99);
  if (traced.length) {
    charts.push({
      name: 'to-notification',
      title: 'From order to notification',
      table: TABLES.inside,
      spec: barChartSpec(
        { title: 'From placing an order to its stored notification', subtitle: [bars, `from the recording; figures: table "${TABLES.inside}"`], xTitle: 'variant (n = repeats)', yTitle: 'time to notification (ms)' },
        traced.flatMap((r) => [point(runName(r), 'p50', r.summary.toNotificationP50!), point(runName(r), 'p99', r.summary.toNotificationP99!)]),
      ),
    });
  }
  const stepped = report.runs.filter((r) => r.steps?.length);
  if (stepped.length) {
    charts.push({
      name: 'latency-vs-load',
      title: 'Client p99 latency against offered load',
      table: TABLES.steps,
      spec: lineChartSpec(
        {
          title: 'Client p99 latency against offered load (open loop)',
          subtitle: [`points: median of n=${repeat} repeat${repeat > 1 ? 's' : ''} of ${durationSeconds} s at each rate; ${whiskers}`, `latency from each request's intended send time; figures: table "${TABLES.steps}"`],
          xTitle: 'offered load (orders per second)',
          yTitle: 'client p99 latency (ms)',
        },
        stepped.flatMap((r) => r.steps!.map((s) => point(s.rate, runName(r), s.summary.p99))),
      ),
    });
  }
  return charts;
}
