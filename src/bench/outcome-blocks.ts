import { formatSpread, type Spread } from '../core/stats.js';
import { learnedByText } from './bench-charts.js';
import type { Block } from './bench-document.js';
import type { BenchReport } from './bench-report-schema.js';
import { runName } from './comparisons.js';

const ms = (s: Spread) => formatSpread(s, (n) => n.toFixed(1));

/** How the outcome probe works, for the report and docs/bench.md alike. */
export const OUTCOME_PROBE_HOW =
  'During every main load of the tables above (tracing on and off alike, so both carry the same extra client), one more client placed orders of 0.01 one at a time and timed each from its POST to the first answer and to when it knew the outcome: ' +
  'the answer itself where it carries it (201 succeeded / 422 failed); after a 202, the final status told on the order\'s event stream where the style pushes, else read by polling the order. ' +
  'Its orders are left out of the load\'s figures (completed orders/s, to final, to notification). An order answered otherwise (5xx, a timeout), or whose outcome never came, is "not learned".';

/** The section on when the client knows the outcome: how it was measured, the chart (given), and the table with its figures. */
export function outcomeBlocks(report: BenchReport, chart: Block[], title: string): Block[] {
  const probed = report.runs.filter((r) => r.summary.outcome);
  if (!probed.length) return [];
  return [
    { kind: 'heading', text: title },
    { kind: 'paragraph', text: `${OUTCOME_PROBE_HOW} Each figure is one repeat's p50 or p99 over its probed orders, as the median over the repeats with their spread.` },
    ...chart,
    {
      kind: 'table',
      head: ['variant', 'the client learns the outcome', 'orders probed per repeat', 'first answer p50 ms', 'first answer p99 ms', 'outcome known p50 ms', 'outcome known p99 ms', 'not learned'],
      rows: probed.map((r) => {
        const o = r.summary.outcome!;
        return [runName(r), learnedByText(o.by, o.pollEveryMs), formatSpread(o.orders, (n) => String(Math.round(n))), ms(o.answerP50), ms(o.answerP99), ms(o.outcomeP50), ms(o.outcomeP99), String(o.unlearned)];
      }),
    },
  ];
}
