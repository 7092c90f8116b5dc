import type { TopLevelSpec } from 'vega-lite';
import type { BenchChart } from '../bench/bench-charts.js';
import { barChartSpec } from '../charts/bar-chart.js';
import type { ChartPoint } from '../charts/chart-data.js';
import { lineChartSpec } from '../charts/line-chart.js';
import { CLAIMS, type Claim } from './claims.js';
import type { EvidenceData } from './evidence-run.js';
import { answerAt } from './experiments/per-hop-latency.js';

type Result = EvidenceData['experiments'][number]['results'][number];

/** Every style's result holding figure `id`, with the measure's label and unit. */
function figureRows(data: EvidenceData, id: string): { label: string; unit: string; rows: Result[] } | undefined {
  const experiment = data.experiments.find((e) => e.measures.some((m) => m.id === id));
  if (!experiment || experiment.skipped) return undefined;
  const rows = experiment.results.filter((r) => r.figures[id] && r.samples[id] !== 0);
  const measure = experiment.measures.find((m) => m.id === id)!;
  return rows.length ? { label: measure.label, unit: measure.unit, rows } : undefined;
}

/** Text cut into lines of at most `width` characters, at spaces (a chart's title and subtitle do not wrap by themselves). */
export function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + word.length + 1 <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** The spec with the claim, wrapped, as its title (Vega-Lite takes lines; the chart helpers take one string). */
const titled = (spec: TopLevelSpec, claim: Claim): TopLevelSpec => ({ ...spec, title: { ...(spec.title as object), text: wrap(`${claim.id} (${claim.style}): ${claim.text}`) } }) as TopLevelSpec;

/** How many samples per repeat: one count, or the smallest to largest over the styles. */
const countWords = (counts: number[]) => (Math.min(...counts) === Math.max(...counts) ? String(counts[0]) : `${Math.min(...counts)}–${Math.max(...counts)}`);

const repeatsWords = (data: EvidenceData) => (data.settings.repeat > 1 ? `median of n=${data.settings.repeat} repeats; whiskers: smallest to largest repeat` : 'n=1 repeat: no spread to show');

/** The bars of a claim: one group per style, one bar per figure; figures of different units each get a panel of their own (never two units on one axis); undefined when none of its figures was measured. */
function barsOf(data: EvidenceData, claim: Claim, chart: Extract<Claim['chart'], { kind: 'bars' }>): BenchChart | undefined {
  const byUnit = new Map<string, { points: ChartPoint[]; samples: string[]; labels: string[] }>();
  for (const id of chart.figures) {
    const found = figureRows(data, id);
    if (!found) continue;
    const unit = byUnit.get(found.unit) ?? { points: [], samples: [], labels: [] };
    byUnit.set(found.unit, unit);
    // A claim drawn in percent scales its shares only: a panel of another unit (orders/s) keeps its figures.
    const scale = chart.percent && found.unit === 'share' ? 100 : 1;
    for (const r of found.rows) {
      const s = r.figures[id];
      unit.points.push({ x: r.style, series: found.label, median: s.median * scale, min: s.min * scale, max: s.max * scale, n: s.n });
    }
    unit.samples.push(`${found.label} ${countWords(found.rows.map((r) => r.samples[id]))}`);
    unit.labels.push(found.label);
  }
  if (!byUnit.size) return undefined;
  const subtitle = (samples: string[], width: number) => [`bars: ${repeatsWords(data)}; n under each style = repeats`, ...wrap(`samples each bar rests on, per repeat: ${samples.join(' · ')}`, width)];
  if (byUnit.size === 1) {
    const [{ points, samples }] = byUnit.values();
    const spec = barChartSpec({ title: claim.id, subtitle: subtitle(samples, 130), xTitle: 'style (n = repeats)', yTitle: chart.yTitle }, points);
    return { name: `claim-${claim.id}`, title: `${claim.id}: ${chart.yTitle} per style`, table: claim.id, spec: titled(spec, claim) };
  }
  const styles = data.styles.length;
  const units = [...byUnit.keys()];
  const panels = [...byUnit.entries()].map(([unit, { points, labels }]) => {
    const { $schema: _s, background: _b, encoding, ...panel } = barChartSpec({ title: '', subtitle: [], xTitle: 'style (n = repeats)', yTitle: unitWords(unit, chart.percent) }, points) as unknown as Record<string, any>;
    const legend = labels.length > 1 ? encoding.color.legend : null;
    return { ...panel, title: { text: wrap(labels.join(' / '), 40), anchor: 'start', fontSize: 12 }, encoding: { ...encoding, color: { ...encoding.color, legend } }, width: Math.max(200, styles * labels.length * 40) };
  });
  const samples = [...byUnit.values()].flatMap((u) => u.samples);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    title: { text: claim.id, subtitle: [`one panel per unit (${units.map((u) => unitWords(u, chart.percent)).join(', ')}), each axis from zero; ${subtitle(samples, 130)[0]}`, ...subtitle(samples, 130).slice(1)], anchor: 'start' },
    hconcat: panels,
    spacing: 40,
    resolve: { scale: { y: 'independent', color: 'independent' }, legend: { color: 'independent' } },
  } as TopLevelSpec;
  return { name: `claim-${claim.id}`, title: `${claim.id}: ${units.map((u) => unitWords(u, chart.percent)).join(', ')} per style, one panel per unit`, table: claim.id, spec: titled(spec, claim) };
}

/** A measure's unit as an axis says it. */
const unitWords = (unit: string, percent?: boolean) => (unit === 'share' ? (percent ? '%' : 'share') : unit === 'yes=1' ? '1 = yes' : unit);

/** The answer's median against the latency added to every hop: one labelled line per style. */
function latencyOf(data: EvidenceData, claim: Claim): BenchChart | undefined {
  const steps = data.settings.latencySteps;
  const points: ChartPoint[] = [];
  for (const step of steps) {
    const found = figureRows(data, answerAt(step));
    for (const r of found?.rows ?? []) {
      const s = r.figures[answerAt(step)];
      points.push({ x: step, series: r.style, median: s.median, min: s.min, max: s.max, n: s.n });
    }
  }
  if (!points.length) return undefined;
  const spec = lineChartSpec(
    {
      title: claim.id,
      subtitle: [`client latency against latency added to every hop; points: ${repeatsWords(data)}`, `each point: the median answer of ${data.settings.orders} orders per repeat`],
      xTitle: 'latency added to every service hop (ms)',
      yTitle: 'order answer p50 (ms)',
    },
    points,
  );
  return { name: `claim-${claim.id}`, title: `${claim.id}: answer against latency added per hop`, table: claim.id, spec: titled(spec, claim) };
}

/** The chart of every claim that has figures to draw, by claim id. */
export function evidenceCharts(data: EvidenceData): Map<string, BenchChart> {
  const charts = new Map<string, BenchChart>();
  for (const claim of CLAIMS) {
    const chart = claim.chart.kind === 'latency' ? latencyOf(data, claim) : barsOf(data, claim, claim.chart);
    if (chart) charts.set(claim.id, chart);
  }
  return charts;
}
