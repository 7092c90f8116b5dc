import type { TopLevelSpec } from 'vega-lite';
import { barChartSpec } from '../charts/bar-chart.js';
import type { ChartPoint } from '../charts/chart-data.js';
import { lineChartSpec } from '../charts/line-chart.js';
import type { Spread } from '../core/stats.js';
import type { BenchReport, BenchRun, LearnedBy } from './bench-report-schema.js';
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
  outcome: 'When the client knows the outcome',
  steps: 'Latency against load',
  harness: 'The harness against the floor and an expert\'s',
} as const;

/** The charts of a bench: orders/s, client latency, first answer against outcome known, time to notification, and p99 against offered load (with --load-steps). */
export function benchCharts(report: BenchReport): BenchChart[] {
  const { repeat, durationSeconds } = report.settings;
  const whiskers = repeat > 1 ? 'whiskers: smallest to largest of the repeats' : 'one measurement each (--repeat 1): no spread to show';
  const bars = `bars: median of n=${repeat} repeat${repeat > 1 ? 's' : ''} of ${durationSeconds} s; ${whiskers}`;
  const charts: BenchChart[] = [];
  const orderPoints = report.runs.flatMap((r) => [
    point(runName(r), 'accepted (answered 2xx)', r.summary.load.acceptedPerSecond),
    ...(r.summary.completedPerSecond ? [point(runName(r), 'completed (became final)', r.summary.completedPerSecond)] : []),
  ]);
  const defined = 'accepted: answered 2xx (a 202 pending counts); completed: placed in the window and became final (when one can exceed the other: under the table)';
  charts.push({
    name: 'orders',
    title: 'Orders per second',
    table: TABLES.throughput,
    spec: barChartSpec({ title: 'Orders per second', subtitle: [bars, defined, `figures and definitions: table "${TABLES.throughput}"`], xTitle: 'variant (n = repeats)', yTitle: 'orders per second' }, orderPoints),
  });
  const samples = report.runs.map((r) => r.summary.load.samples.median);
  const latencyPoints = report.runs.flatMap((r) => [point(runName(r), 'p50', r.summary.load.p50), point(runName(r), 'p99', r.summary.load.p99)]);
  charts.push({
    name: 'latency',
    title: 'Client latency',
    table: TABLES.latency,
    spec: barChartSpec(
      { title: 'Client latency of placing an order', subtitle: [bars, `each percentile rests on ${Math.min(...samples)}–${Math.max(...samples)} samples per repeat; figures: table "${TABLES.latency}"`], xTitle: 'variant (n = repeats)', yTitle: 'latency (ms)' },
      latencyPoints,
    ),
  });
  const cpu = cpuChart(report, bars);
  if (cpu) charts.push(cpu);
  const outcome = outcomeChart(report, bars);
  if (outcome) charts.push(outcome);
  const traced = report.runs.filter((r) => r.summary.toNotificationP50 && r.summary.toNotificationP99);
  if (traced.length) {
    charts.push({
      name: 'to-notification',
      title: 'From order to notification',
      table: TABLES.inside,
      spec: barChartSpec(
        { title: 'From placing an order to its stored notification', subtitle: [bars, `from the services' own records; figures: table "${TABLES.inside}"`], xTitle: 'variant (n = repeats)', yTitle: 'time to notification (ms)' },
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

/** How each style's client learns the outcome, as the chart and its table say it. */
export const learnedByText = (by: LearnedBy, pollEveryMs?: number) => (by === 'answer' ? 'in the answer' : by === 'push' ? 'by push after the 202' : `by polling every ${pollEveryMs ?? '?'} ms after the 202`);

const pollEveryOf = (runs: BenchRun[]) => runs.find((r) => r.summary.outcome?.pollEveryMs)?.summary.outcome?.pollEveryMs ?? 100;

/** The outcome probe's first answer next to the outcome known, per style: p50 and p99, median of the repeats with whiskers. */
function outcomeChart(report: BenchReport, bars: string): BenchChart | undefined {
  const probed = report.runs.filter((r) => r.summary.outcome);
  if (!probed.length) return undefined;
  const orders = probed.map((r) => r.summary.outcome!.orders);
  const name = (r: BenchRun) => `${runName(r)}: ${r.summary.outcome!.by}`;
  const points = probed.flatMap((r) => {
    const o = r.summary.outcome!;
    return [point(name(r), 'first answer p50', o.answerP50), point(name(r), 'outcome known p50', o.outcomeP50), point(name(r), 'first answer p99', o.answerP99), point(name(r), 'outcome known p99', o.outcomeP99)];
  });
  return {
    name: 'time-to-outcome',
    title: 'Time to the first answer and to the outcome',
    table: TABLES.outcome,
    spec: barChartSpec(
      {
        title: 'From placing an order to its first answer, and to when the client knows the outcome',
        subtitle: [
          bars,
          `one client beside the load, ${Math.min(...orders.map((o) => o.min))}–${Math.max(...orders.map((o) => o.max))} orders per repeat; answer: the 201/422 carries it;`,
          `push: told after the 202; poll: read every ${pollEveryOf(probed)} ms; figures: table "${TABLES.outcome}"`,
        ],
        xTitle: 'variant: how its client learns the outcome (n = repeats)',
        yTitle: 'time from the POST (ms)',
      },
      points,
    ),
  };
}

/** CPU milliseconds per order of each style, beside the floor's and the expert reference's measured right before it, round by round. */
function cpuChart(report: BenchReport, bars: string): BenchChart | undefined {
  const measured = report.runs.filter((r) => r.cpuMsPerOrder);
  if (!measured.length) return undefined;
  const { floor, reference } = report.baselines;
  const points = measured.flatMap((r) => [
    point(runName(r), 'the style', r.cpuMsPerOrder!),
    ...(r.floorCpuMsPerOrder ? [point(runName(r), `the floor (${floor?.hops ?? '?'} bare hops)`, r.floorCpuMsPerOrder)] : []),
    ...(r.referenceCpuMsPerOrder ? [point(runName(r), `the expert reference (${reference?.hops ?? '?'} lean hops, same writes)`, r.referenceCpuMsPerOrder)] : []),
  ]);
  return {
    name: 'cpu-per-order',
    title: 'CPU milliseconds per order',
    table: TABLES.harness,
    spec: barChartSpec(
      {
        title: 'CPU milliseconds per order: each style, the floor and the expert reference',
        subtitle: [bars, 'floor and reference: the ones loaded right before each repeat of the style;', `CPU of the measured load until its orders settled, over the orders completed; figures and definition: table "${TABLES.harness}"`],
        xTitle: 'variant (n = repeats)',
        yTitle: 'CPU ms per order',
      },
      points,
    ),
  };
}
