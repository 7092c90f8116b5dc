import type { DecisionTable } from './decision-rank.js';
import { escapeHtml as escape } from './text.js';

/** Colours with a symbol and a word each (never colour alone), dark enough on their light ground for WCAG AA. */
const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328;max-width:1400px}
h1{margin:0 0 4px}h2{margin:28px 0 6px}.dim{color:#57606a}a{color:#0550ae}
table{border-collapse:collapse;margin:8px 0 12px}td,th{border:1px solid #c8ccd1;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6}
.side td.fig{min-width:96px}.side td.fig small{display:block;color:#57606a;font-size:12px}.side td.why{width:250px;font-size:12.5px}.side td.why .dim{word-break:break-word}.side td.act{font-weight:600;background:#fafbfc}
.t1{background:#dafbe1}.t1 b{color:#0a5a23}.tn{background:#f6f8fa}.mark{display:block;font-size:12px;font-weight:600}
.ranked{color:#0a5a23}.unranked{color:#57606a}
.v{white-space:nowrap;font-weight:600;text-align:center;min-width:112px}.v-holds{background:#dafbe1;color:#0a5a23}.v-holds-only-when{background:#fff1c2;color:#6b4400}
.v-does-not-hold{background:#ffe1e4;color:#9a0e23}.v-not-judged{background:#f0f1f3;color:#4b5158;font-weight:400}.v.own{outline:3px solid #1f2328;outline-offset:-3px}
.matrix td.claim{max-width:460px}.matrix td.claim small{color:#57606a}.matrix th.s{text-align:center}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;margin:6px 0 10px;padding:0;list-style:none}.legend li span{display:inline-block;padding:2px 8px;border-radius:3px;margin-right:4px}
.fault td{font-size:13px}.fault td:first-child,.coupling td:first-child{min-width:200px}.coupling td{font-size:13px}.ok{color:#0a5a23}.bad{color:#9a0e23}
ul.notes{font-size:13px;color:#3d444d;list-style:none;padding-left:8px}ul.notes li{margin-bottom:4px}`;

/** The decision page around its sections: one file, no script, nothing fetched (it works from file://). */
export function decisionPage(title: string, intro: string, sections: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escape(title)}</h1>
${intro}
${sections.join('\n')}
</body></html>
`;
}

const TIER_MARK = ['', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨'];
/** `① fastest`, `② 2nd group`: a cell's place in a ranked row, as a symbol and words. */
export const tierWords = (tier: number) => (tier === 1 ? `${TIER_MARK[1]} fastest` : `${TIER_MARK[tier] ?? tier} ${tier === 2 ? '2nd' : tier === 3 ? '3rd' : `${tier}th`} group`);

/** The legend of the side by side. */
export const SIDE_LEGEND = `<ul class="legend" aria-label="legend"><li><span class="t1">① fastest</span>the fastest group of a ranked row: its spread ends before the next group's begins</li><li><span class="tn">② 2nd group</span>and so on; styles in one group overlap</li><li><span class="tn">no mark</span>the row is not ranked: the last column says why</li></ul>`;

/** The side by side as a table: the action once per group of rows, a row per measure, each style's figure, and whether (and why not) it is ranked. */
export function sideBySideHtml(table: DecisionTable): string {
  const head = `<tr><th>client action</th><th>measure</th>${table.styles.map((s) => `<th>${escape(s)}</th>`).join('')}<th>ranked?</th></tr>`;
  const spans = new Map<string, number>();
  for (const row of table.rows) spans.set(row.action, (spans.get(row.action) ?? 0) + 1);
  const seen = new Set<string>();
  const rows = table.rows.map((row) => {
    const first = !seen.has(row.action);
    seen.add(row.action);
    const action = first ? `<td class="act" rowspan="${spans.get(row.action)}">${escape(row.action)}</td>` : '';
    const cells = row.cells.map((c) => {
      if (!c) return '<td class="fig dim" title="not measured on this style">–</td>';
      const title = [c.tier ? tierWords(c.tier) : '', c.detail ?? ''].filter(Boolean).join(' · ');
      const mark = c.tier ? `<span class="mark">${escape(tierWords(c.tier))}</span>` : '';
      return `<td class="fig${c.tier === 1 ? ' t1' : c.tier ? ' tn' : ''}"${title ? ` title="${escape(title)}"` : ''}><b>${escape(c.text)}</b>${c.sub ? `<small>${escape(c.sub)}</small>` : ''}${mark}</td>`;
    });
    const why = row.ranked
      ? `<td class="why ranked">✓ ${escape(row.why)}<br><span class="dim">${escape(row.line)}</span></td>`
      : `<td class="why unranked">— ${escape(row.why)}${row.line ? `<br><span class="dim">${escape(row.line)}</span>` : ''}</td>`;
    return `<tr>${action}<td>${escape(row.measure)}</td>${cells.join('')}${why}</tr>`;
  });
  return `<table class="side">${head}\n${rows.join('\n')}</table>`;
}
