import type { TopLevelSpec } from 'vega-lite';
import { hasSpread, shortNumber, type ChartPoint, type ChartText } from './chart-data.js';

const INK = '#222';

/** The x label of a category: its name and how many measurements each of its bars rests on. */
function categoryLabel(points: ChartPoint[], category: string): string {
  const counts = [...new Set(points.filter((p) => p.x === category).map((p) => p.n))];
  return `${category} (n=${counts.join('/')})`;
}

/**
 * Grouped bars (one colour per series, with a legend) of medians; the y axis always starts at zero;
 * whiskers from the smallest to the largest measurement when something was measured more than once;
 * the median printed over each bar, and n in each category's label and tooltip.
 */
export function barChartSpec(text: ChartText, points: ChartPoint[]): TopLevelSpec {
  const categories = [...new Set(points.map((p) => String(p.x)))];
  const series = [...new Set(points.map((p) => p.series))];
  const values = points.map((p) => ({ ...p, category: categoryLabel(points, String(p.x)), label: shortNumber(p.median), top: Math.max(p.max, p.median) }));
  const y = { field: 'median', type: 'quantitative', title: text.yTitle, scale: { zero: true, domainMin: 0, nice: true } } as const;
  const tooltip = [
    { field: 'category', type: 'nominal', title: text.xTitle },
    { field: 'series', type: 'nominal' },
    { field: 'median', type: 'quantitative', title: 'median' },
    { field: 'min', type: 'quantitative' },
    { field: 'max', type: 'quantitative' },
    { field: 'n', type: 'quantitative', title: 'n (measurements)' },
  ] as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: text.title, subtitle: text.subtitle, anchor: 'start' },
    // Narrower bars where a group holds many, so a chart of six styles × seven figures still fits a page.
    width: Math.max(480, categories.length * Math.max(1, series.length) * (series.length > 4 ? 26 : 46)),
    height: 280,
    background: 'white',
    data: { values },
    encoding: {
      x: { field: 'category', type: 'nominal', title: text.xTitle, sort: categories.map((c) => categoryLabel(points, c)), axis: { labelAngle: categories.length > 4 ? -30 : 0, labelLimit: 400 } },
      xOffset: { field: 'series', type: 'nominal', sort: series },
      color: { field: 'series', type: 'nominal', sort: series, title: null, legend: { orient: 'top', direction: 'horizontal', columns: Math.min(series.length, 4), labelLimit: 320 } },
    },
    layer: [
      { mark: { type: 'bar' }, encoding: { y, tooltip: [...tooltip] } },
      ...(hasSpread(points) ? [{ mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y: { field: 'min', type: 'quantitative', scale: y.scale }, y2: { field: 'max' }, color: { value: INK } } } as const] : []),
      { mark: { type: 'text', dy: -4, baseline: 'bottom', fontSize: 10 }, encoding: { y: { field: 'top', type: 'quantitative', scale: y.scale }, text: { field: 'label' }, color: { value: INK } } },
    ],
  } as TopLevelSpec;
}
