import { formatSpread, type Spread } from '../core/stats.js';
import { markdownTable } from '../report/text.js';
import type { Block } from './bench-document.js';
import type { BaselineComparison, FigureChange } from './bench-report-schema.js';
import { ORDERS_DEFINED_SHORT } from './definitions.js';

/** A figure as the report writes it: orders and requests per second whole, milliseconds to 0.1, ratios to 0.01. */
function figureText(figure: string, s: Spread): string {
  const format = figure.endsWith(' ms') ? (n: number) => n.toFixed(1) : figure.startsWith('×') ? (n: number) => `${n.toFixed(2)}×` : (n: number) => Math.round(n).toLocaleString('en-US');
  return formatSpread(s, format);
}

const ratioText = (c: FigureChange) => (c.ratio === null ? '–' : `${c.ratio.toFixed(2)}×`);
const verdictText = (c: FigureChange) => (c.why ? `${c.verdict} (${c.why})` : c.verdict);
const head = ['row', 'figure', 'baseline', 'this run', 'this run / baseline', 'verdict'];
const cells = (c: FigureChange) => [c.row, c.figure, figureText(c.figure, c.baseline), figureText(c.figure, c.current), ratioText(c), verdictText(c)];

/** `of the styles' figures 2 slower, 1 faster, 30 with no clear change; 3 rows not compared`. */
export function countsText(b: BaselineComparison): string {
  const { slower, faster, unclear, notCompared } = b.counts;
  return `of the styles' figures ${slower} slower, ${faster} faster, ${unclear} with no clear change; ${notCompared} row${notCompared === 1 ? '' : 's'} not compared`;
}

/** The report's section on the baseline: what was compared and by what rule, the notes, every figure compared, the rows left out. */
export function baselineBlocks(b: BaselineComparison): Block[] {
  return [
    { kind: 'heading', text: 'Against the baseline' },
    {
      kind: 'paragraph',
      text:
        `This run against \`${b.file}\` (orderctl ${b.version}, ${b.date}: \`${b.command}\`), like with like only: the same style on the same broker and store, in the same placement, under the same load (loop, connections or rate, duration, warm-up, customers). ` +
        `A figure is called slower or faster only when the two runs' spreads (smallest to largest over the repeats) do not overlap; otherwise, or when a side was measured once, "no clear change". "This run / baseline" is the ratio of the medians; the hello-world, floor and expert reference rows measure the machine. ${countsText(b)[0].toUpperCase()}${countsText(b).slice(1)}. ${ORDERS_DEFINED_SHORT}`,
    },
    ...(b.notes.length ? [{ kind: 'list' as const, items: b.notes.map((text) => ({ text })) }] : []),
    ...(b.changes.length ? [{ kind: 'table' as const, head, rows: b.changes.map(cells) }] : []),
    ...(b.notCompared.length ? [{ kind: 'paragraph' as const, text: 'Not compared:' }, { kind: 'list' as const, items: b.notCompared.map((n) => ({ text: `${n.row}: ${n.why}` })) }] : []),
  ];
}

/** The short table the terminal ends with: the counts, only the figures that got slower or faster, and the rows left out. */
export function baselineSummary(b: BaselineComparison): string {
  const changed = b.changes.filter((c) => c.verdict !== 'no clear change');
  return [
    `Against the baseline ${b.file} (${b.date}): ${countsText(b)}.`,
    ...b.notes,
    changed.length ? markdownTable(head, changed.map(cells)) : 'No figure got slower or faster with the spreads apart.',
    ...(b.notCompared.length ? [`Not compared: ${b.notCompared.map((n) => `${n.row} (${n.why})`).join('; ')}.`] : []),
    '',
  ].join('\n');
}
