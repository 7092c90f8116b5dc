import type { EvidenceData } from '../evidence/evidence-run.js';
import { ruleWords } from '../evidence/rules.js';
import type { VerdictKind } from '../evidence/verdict.js';
import { escapeHtml as escape, markdownTable, mdCell } from './text.js';

/** A verdict as the matrix shows it: a symbol and a word, never colour alone. */
export const VERDICT_MARKS: Record<VerdictKind, { symbol: string; words: string; means: string }> = {
  holds: { symbol: '✓', words: 'holds', means: 'every part of its rule was met on this style' },
  'holds-only-when': { symbol: '◐', words: 'in part', means: 'some parts were met, others not (or not tried)' },
  'does-not-hold': { symbol: '✗', words: 'does not hold', means: 'no part of its rule was met' },
  'not-judged': { symbol: '–', words: 'not tried', means: 'none of its figures could be measured with these settings (scaling needs --processes)' },
};

/** One cell of the matrix: a claim's verdict on one style, with the figures it quotes. */
export interface MatrixCell {
  style: string;
  kind: VerdictKind;
  /** `✓ holds`. */
  label: string;
  /** The verdict's words with the measured figures (the tooltip, the Markdown note). */
  title: string;
  /** The claim is about this style (its verdict is the claim's). */
  own: boolean;
}

/** One claim across the styles. */
export interface MatrixRow {
  id: string;
  style: string;
  text: string;
  rule: string;
  cells: MatrixCell[];
}

/** The claims × styles matrix: every claim's verdict on every chosen style. */
export function claimMatrix(data: Pick<EvidenceData, 'claims' | 'styles'>): { styles: string[]; rows: MatrixRow[] } {
  const styles = data.styles.map((s) => s.name);
  const rows = data.claims.map((claim) => ({
    id: claim.id,
    style: claim.style,
    text: claim.text,
    rule: ruleWords(claim.id),
    cells: styles.map((style): MatrixCell => {
      const verdict = claim.perStyle.find((p) => p.style === style)?.verdict ?? { kind: 'not-judged' as const, text: 'not run on this style' };
      const mark = VERDICT_MARKS[verdict.kind];
      return { style, kind: verdict.kind, label: `${mark.symbol} ${mark.words}`, title: `${claim.id} on ${style}: ${mark.words} — ${verdict.text || mark.means}`, own: style === claim.style };
    }),
  }));
  return { styles, rows };
}

/** The legend of the matrix, in HTML. */
export const MATRIX_LEGEND = `<ul class="legend" aria-label="legend">${Object.entries(VERDICT_MARKS)
  .map(([kind, m]) => `<li><span class="v v-${kind}">${m.symbol} ${escape(m.words)}</span>${escape(m.means)}</li>`)
  .join('')}<li><span class="v own">framed</span>the claim's own style: its verdict is the claim's</li></ul>`;

/** The matrix as an HTML table: colour, symbol and word in every cell, its figures in the cell's tooltip. */
export function matrixHtml(m: { styles: string[]; rows: MatrixRow[] }): string {
  const head = `<tr><th>claim</th>${m.styles.map((s) => `<th class="s">${escape(s)}</th>`).join('')}</tr>`;
  const rows = m.rows.map((r) => {
    const cells = r.cells.map((c) => `<td class="v v-${c.kind}${c.own ? ' own' : ''}" title="${escape(c.title)}">${escape(c.label)}</td>`);
    return `<tr id="claim-${escape(r.id)}"><td class="claim" title="${escape(r.rule)}"><b>${escape(r.id)}</b> <small>(${escape(r.style)})</small> ${escape(r.text)} <a href="#rule-${escape(r.id)}" class="dim">rule</a></td>${cells.join('')}</tr>`;
  });
  return `<table class="matrix">${head}\n${rows.join('\n')}</table>`;
}

/** The matrix in Markdown: each cell's symbol, word and note number; the notes (the figures) below it. */
export function matrixMarkdown(m: { styles: string[]; rows: MatrixRow[] }): string {
  const notes: string[] = [];
  const table = markdownTable(
    ['claim', ...m.styles],
    m.rows.map((r) => [
      mdCell(`**${r.id}** (${r.style}) ${r.text}`),
      ...r.cells.map((c) => {
        notes.push(c.title);
        const label = c.own ? `**${c.label}**` : c.label;
        return `${label} [${notes.length}]`;
      }),
    ]),
  );
  return `${table}\n\nBold: the claim's own style. The figures behind each cell, by its number:\n\n${notes.map((n, i) => `${i + 1}. ${n}`).join('\n')}`;
}
