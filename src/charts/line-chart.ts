import type { TopLevelSpec } from 'vega-lite';
import { hasSpread, type ChartPoint, type ChartText } from './chart-data.js';

/**
 * One line per series over a numeric x (both axes from zero), with a legend and the series' name written
 * at the end of its line; whiskers from the smallest to the largest measurement when repeated; n in the tooltip
 * and, as every point's n, in the subtitle the caller writes.
 */
export function lineChartSpec(text: ChartText, points: ChartPoint[]): TopLevelSpec {
  const series = [...new Set(points.map((p) => p.series))];
  const scale = { zero: true, domainMin: 0, nice: true } as const;
  const x = { field: 'x', type: 'quantitative', title: text.xTitle, scale } as const;
  const y = { field: 'median', type: 'quantitative', title: text.yTitle, scale } as const;
  const color = { field: 'series', type: 'nominal', sort: series, title: null, legend: { orient: 'top', direction: 'horizontal', labelLimit: 320 } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: text.title, subtitle: text.subtitle, anchor: 'start' },
    width: 560,
    height: 300,
    background: 'white',
    data: { values: points },
    encoding: { x, color },
    layer: [
      {
        mark: { type: 'line', point: { filled: true, size: 50 } },
        encoding: {
          y,
          tooltip: [
            { field: 'series', type: 'nominal' },
            { field: 'x', type: 'quantitative', title: text.xTitle },
            { field: 'median', type: 'quantitative', title: 'median' },
            { field: 'min', type: 'quantitative' },
            { field: 'max', type: 'quantitative' },
            { field: 'n', type: 'quantitative', title: 'n (measurements)' },
          ],
        },
      },
      ...(hasSpread(points) ? [{ mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y: { field: 'min', type: 'quantitative', scale }, y2: { field: 'max' } } } as const] : []),
      {
        transform: [{ window: [{ op: 'rank', as: 'rank' }], sort: [{ field: 'x', order: 'descending' }], groupby: ['series'] }, { filter: 'datum.rank === 1' }],
        mark: { type: 'text', align: 'left', dx: 8, fontSize: 11 },
        encoding: { y: { field: 'median', type: 'quantitative', scale }, text: { field: 'series' } },
      },
    ],
  } as TopLevelSpec;
}
