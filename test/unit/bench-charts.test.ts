import { describe, expect, test } from 'vitest';
import { barChartSpec } from '../../src/charts/bar-chart.js';
import type { ChartPoint } from '../../src/charts/chart-data.js';
import { lineChartSpec } from '../../src/charts/line-chart.js';
import { vegaLiteToSvg } from '../../src/charts/vega-svg.js';

type Layer = { mark: { type: string }; encoding?: Record<string, { field?: string; type?: string; scale?: { zero?: boolean; domainMin?: number } }>; transform?: unknown[] };
type Spec = { layer: Layer[]; encoding: Record<string, { field?: string; type?: string; legend?: unknown; scale?: { zero?: boolean; domainMin?: number } }>; data: { values: ChartPoint[] }; title: { text: string; subtitle: string | string[] } };

const text = { title: 'Orders per second', subtitle: 'median of n repeats; whiskers min–max', xTitle: 'variant', yTitle: 'orders per second' };
const repeated = (n: number): ChartPoint[] => [
  { x: 'http', series: 'accepted', median: 474, min: 460, max: 490, n },
  { x: 'hybrid', series: 'accepted', median: 752, min: 700, max: 780, n },
  { x: 'http', series: 'completed', median: 470, min: 455, max: 488, n },
  { x: 'hybrid', series: 'completed', median: 600, min: 560, max: 640, n },
];
const lines = (n: number): ChartPoint[] => [100, 200, 400].flatMap((x) => ['http', 'hybrid'].map((series) => ({ x, series, median: x / 4, min: x / 5, max: x / 3, n })));

/** Every quantitative y encoding of every layer starts at zero. */
const yFromZero = (spec: Spec) =>
  spec.layer.flatMap((l) => Object.entries(l.encoding ?? {}).filter(([channel, e]) => channel === 'y' && e.type === 'quantitative')).every(([, e]) => e.scale?.zero === true && e.scale?.domainMin === 0);
const hasErrorBars = (spec: Spec) => spec.layer.some((l) => l.mark.type === 'rule' && l.encoding?.y?.field === 'min' && l.encoding?.y2?.field === 'max');

describe('bar chart spec', () => {
  test('the y axis starts at zero, has its unit in the title, and every series has a legend entry', () => {
    const spec = barChartSpec(text, repeated(3)) as unknown as Spec;
    expect(yFromZero(spec)).toBe(true);
    const bar = spec.layer.find((l) => l.mark.type === 'bar')!;
    expect((bar.encoding!.y as { title?: string }).title).toBe('orders per second');
    expect(spec.encoding.color.field).toBe('series');
    expect(spec.encoding.color.legend).toBeTruthy();
    expect(new Set(spec.data.values.map((v) => v.series))).toEqual(new Set(['accepted', 'completed']));
  });

  test('whiskers (min–max) when measured more than once, none for single measurements; n in every category label', () => {
    expect(hasErrorBars(barChartSpec(text, repeated(3)) as unknown as Spec)).toBe(true);
    expect(hasErrorBars(barChartSpec(text, repeated(1)) as unknown as Spec)).toBe(false);
    const values = (barChartSpec(text, repeated(3)) as unknown as { data: { values: { category: string }[] } }).data.values;
    expect(values.every((v) => /\(n=3\)$/.test(v.category))).toBe(true);
  });

  test('draws to an SVG with a bar per figure, the legend and the axis title', async () => {
    const svg = await vegaLiteToSvg(barChartSpec(text, repeated(3)));
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('orders per second');
    expect(svg).toContain('completed');
    expect(svg).toContain('hybrid (n=3)');
  });
});

describe('line chart spec', () => {
  test('both axes from zero, a legend and a label at the end of each line, whiskers with repeats', () => {
    const spec = lineChartSpec({ ...text, xTitle: 'offered load (orders per second)', yTitle: 'client p99 latency (ms)' }, lines(3)) as unknown as Spec;
    expect(yFromZero(spec)).toBe(true);
    expect(spec.encoding.x.scale).toMatchObject({ zero: true, domainMin: 0 });
    expect(spec.encoding.color.legend).toBeTruthy();
    const label = spec.layer.find((l) => l.mark.type === 'text')!;
    expect(label.encoding!.text.field).toBe('series');
    expect(hasErrorBars(spec)).toBe(true);
    expect(hasErrorBars(lineChartSpec(text, lines(1)) as unknown as Spec)).toBe(false);
  });

  test('draws to an SVG naming every line', async () => {
    const svg = await vegaLiteToSvg(lineChartSpec({ ...text, yTitle: 'client p99 latency (ms)' }, lines(2)));
    expect(svg).toContain('client p99 latency (ms)');
    expect(svg.match(/>http</g)?.length).toBeGreaterThanOrEqual(2);
    expect(svg.match(/>hybrid</g)?.length).toBeGreaterThanOrEqual(2);
  });
});
