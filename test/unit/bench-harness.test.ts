import { describe, expect, test } from 'vitest';
import { benchCharts } from '../../src/bench/bench-charts.js';
import { benchDocument } from '../../src/bench/bench-document.js';
import { benchMarkdown } from '../../src/bench/bench-files.js';
import { type BenchRun, type LoadSummary } from '../../src/bench/bench-report-schema.js';
import { cpuMsPerOrder } from '../../src/bench/cpu-per-order.js';
import type { LoadResult } from '../../src/bench/load-result.js';
import type { Spread } from '../../src/core/stats.js';
import { benchReport } from '../support/bench-report.js';

const s = (median: number, min = median, max = median, n = 3): Spread => ({ n, median, min, max });
const summary = (accepted: number): LoadSummary => ({ sentPerSecond: s(accepted), answeredPerSecond: s(accepted), acceptedPerSecond: s(accepted), p50: s(5), p90: s(9), p99: s(10), max: s(20), samples: s(1000), failures: 0, late: 0, notSent: 0 });
const load = (statusCodes: Record<string, number>, acceptedPerSecond: number): LoadResult => ({ mode: 'closed', sentPerSecond: acceptedPerSecond, answeredPerSecond: acceptedPerSecond, acceptedPerSecond, latencyMs: { p50: 1, p90: 2, p99: 3, max: 4 }, samples: 10, statusCodes, errors: 0, timeouts: 0, late: 0, notSent: 0 });

/** A run as an older bench wrote it (no reference, no floor's CPU), or with every new figure when `harness`. */
function runOf(variant: string, harness: boolean): BenchRun {
  return {
    variant,
    broker: 'in-process',
    store: 'sqlite',
    traits: ['all-rest'],
    repeats: [],
    summary: { load: summary(400), tracingOff: summary(420), cpuSeconds: s(8), peakRssMb: s(200) },
    ratios: { toExpressHello: s(0.1), toNodeHttpHello: s(0.01), tracingOnToOff: s(0.95), toFloor: s(0.33, 0.3, 0.36), ...(harness ? { toReference: s(0.62, 0.55, 0.7) } : {}) },
    cpuMsPerOrder: s(1.96, 1.9, 2.1),
    ...(harness ? { floorCpuMsPerOrder: s(0.67, 0.6, 0.7), referenceCpuMsPerOrder: s(1.11, 1.05, 1.2) } : {}),
  };
}

describe('CPU milliseconds per order', () => {
  test('the CPU of the window over the orders completed in it, by the system\'s records, not rate × duration', () => {
    expect(cpuMsPerOrder({ cpuSeconds: 2, completedInWindow: 1000 }, load({ '201': 900 }, 90))).toBe(2);
  });

  test('without orders (the floor): over the 2xx answers counted, errors left out', () => {
    expect(cpuMsPerOrder({ cpuSeconds: 1.5 }, load({ '201': 500, '200': 500, '502': 250 }, 100))).toBe(1.5);
  });

  test('no order at all is not a division by zero', () => {
    expect(cpuMsPerOrder({ cpuSeconds: 0.3, completedInWindow: 0 }, load({}, 0))).toBe(300);
  });
});

describe('the harness against the floor and the expert reference in the report', () => {
  test('each style shows orders/s over the floor and over the reference, and the CPU per order of all three, with n and spread, under the definition', () => {
    const report = benchReport({ runs: [runOf('http', true)], hello: summary(10_000) });
    report.baselines.floor = { hops: 5, repeats: [], summary: summary(1200), cpuMsPerOrder: s(0.67, 0.6, 0.7) };
    report.baselines.reference = { hops: 5, repeats: [], summary: summary(650), cpuMsPerOrder: s(1.11, 1.05, 1.2) };
    const markdown = benchMarkdown(report);
    expect(markdown).toContain("## The harness against the floor and an expert's");
    expect(markdown).toContain('| http | 400 (n=3, 400–400) | 0.33× (n=3, 0.30–0.36) | 0.62× (n=3, 0.55–0.70) | 1.96 (n=3, 1.90–2.10) | 0.67 (n=3, 0.60–0.70) | 1.11 (n=3, 1.05–1.20) |');
    expect(markdown).toMatch(/\| 1\.11 \(n=3, 1\.05–1\.20\) \|\n\nCPU ms per order: the processor time \(user \+ system\)/);
    expect(markdown).toContain('| the expert reference: 5 lean hops, same durable writes | 650 (n=3, 650–650) |');
    expect(markdown).toContain('The expert reference is the http style\'s order path written lean');
    const chart = benchCharts(report).find((c) => c.name === 'cpu-per-order')!;
    const spec = chart.spec as unknown as { layer: { mark: { type: string }; encoding: { y: { scale?: { zero?: boolean } } } }[]; data: { values: { series: string; category: string; n: number }[] }; title: { subtitle: string[] } };
    expect(spec.layer[0].encoding.y.scale).toMatchObject({ zero: true });
    expect(spec.layer.some((l) => l.mark.type === 'rule')).toBe(true);
    expect(spec.data.values.map((v) => [v.series, v.category])).toEqual([
      ['the style', 'http (n=3)'],
      ['the floor (5 bare hops)', 'http (n=3)'],
      ['the expert reference (5 lean hops, same writes)', 'http (n=3)'],
    ]);
    expect(spec.title.subtitle[0]).toMatch(/median of n=3 repeats/);
  });

  test('a report from before the reference still loads and renders: its missing figures are dashes', () => {
    const report = benchReport({ runs: [runOf('http', false)], hello: summary(10_000) });
    const markdown = benchMarkdown(report);
    expect(markdown).toContain('| http | 400 (n=3, 400–400) | 0.33× (n=3, 0.30–0.36) | – | 1.96 (n=3, 1.90–2.10) | – | – |');
    expect(markdown).not.toContain('the expert reference:');
    expect(benchDocument(report).some((b) => b.kind === 'table')).toBe(true);
  });
});
