import type { DecisionTable } from './decision-rank.js';
import { tierWords } from './decision-html.js';
import { markdownTable, mdCell } from './text.js';

/** The side by side as a Markdown table: each figure with its group mark when ranked, and whether (and why not) the row is ranked. */
export function sideBySideMarkdown(table: DecisionTable): string {
  let last = '';
  return markdownTable(
    ['client action', 'measure', ...table.styles, 'ranked?'],
    table.rows.map((row) => {
      const action = row.action === last ? '' : `**${mdCell(row.action)}**`;
      last = row.action;
      const cells = row.cells.map((c) => (c ? mdCell(`${c.text}${c.sub ? ` (${c.sub})` : ''}${c.tier ? ` ${tierWords(c.tier)}` : ''}`) : '–'));
      const why = row.ranked ? `✓ ${row.why}: ${row.line}` : `— ${row.why}${row.line ? `: ${row.line}` : ''}`;
      return [action, mdCell(row.measure), ...cells, mdCell(why)];
    }),
  );
}

/** The legend under the Markdown side by side. */
export const SIDE_LEGEND_MD =
  '① fastest: the fastest group of a ranked row (its spread ends before the next group\'s begins); ② 2nd group and so on (styles in one group overlap); no mark: the row is not ranked, and its last column says why.';
