import type { ActionDiagram } from '../diagrams/scenario-diagrams.js';
import type { VariantResult } from '../system/run-variants.js';
import { escapeHtml as escape, ms } from './text.js';


const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}.ok{color:#080}.bad{color:#b00}
.grid td{min-width:320px}.grid img{max-width:480px;display:block}pre{font-size:11px;max-width:480px;overflow:auto;background:#fafafa}
h2{margin-top:40px}summary{cursor:pointer;font-weight:600}`;

/** The run as one page: the outcome and per-action tables, then every client action's diagram with the variants side by side. */
export function reportHtml(results: VariantResult[], diagrams: Record<string, Record<string, ActionDiagram[]>>, meta: { broker: string; date: string }, picture?: 'svg'): string {
  const variants = results.map((r) => r.variant);
  const scenarios = results[0]?.scenarios ?? [];
  const outcome = scenarios
    .map((s) => {
      const cells = results.map((r) => {
        const mine = r.scenarios.find((x) => x.name === s.name)!;
        return `<td class="${mine.passed ? 'ok' : 'bad'}">${mine.passed ? '✓' : '✗'} ${mine.steps.filter((x) => x.passed).length}/${mine.steps.length} · ${ms(mine.ms)}</td>`;
      });
      return `<tr><td><a href="#${escape(s.name)}">${escape(s.name)}</a></td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const kinds = [...new Set(results.flatMap((r) => r.actions.map((a) => a.kind)))];
  const actions = kinds
    .map((kind) => {
      const cells = results.map((r) => {
        const a = r.actions.find((x) => x.kind === kind);
        return `<td>${a ? `${ms(a.p50Ms)} · ${a.http} http · ${a.messages} msg` : '–'}</td>`;
      });
      return `<tr><td>${escape(kind)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const cell = (variant: string, scenario: string, diagram: ActionDiagram | undefined) => {
    if (!diagram) return '<td>–</td>';
    const base = `${variant}/${scenario}/${diagram.name}`;
    return picture
      ? `<td><a href="${escape(base)}.mmd"><img src="${escape(base)}.${picture}" alt="${escape(`${variant}: ${diagram.title}`)}"></a></td>`
      : `<td><pre>${escape(diagram.mermaid)}</pre></td>`;
  };
  const sections = scenarios
    .map((s) => {
      const first = diagrams[variants[0]]?.[s.name] ?? [];
      const rows = first
        .map((d, i) => `<tr><th>${escape(d.title)}</th>${variants.map((v) => cell(v, s.name, diagrams[v]?.[s.name]?.[i])).join('')}</tr>`)
        .join('\n');
      return `<section id="${escape(s.name)}"><h2>${escape(s.name)} — ${escape(s.title)}</h2>
<details${s.name === 'happy-path' ? ' open' : ''}><summary>${first.length} client actions</summary>
<table class="grid"><tr><th>client action</th>${variants.map((v) => `<th>${escape(v)}</th>`).join('')}</tr>
${rows}</table></details></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>orderctl run ${escape(meta.date)}</title><style>${STYLE}</style></head>
<body>
<h1>orderctl run <span class="${results.every((r) => r.passed) ? 'ok' : 'bad'}">${results.every((r) => r.passed) ? 'all expectations held' : 'some expectations did not hold'}</span></h1>
<p>${escape(meta.date)} · broker: ${escape(meta.broker)} · summary also in <a href="summary.md">summary.md</a>, every hop in <a href="recording.json">recording.json</a></p>
<h2>Scenarios</h2>
<table><tr><th>scenario</th>${variants.map((v) => `<th>${escape(v)}</th>`).join('')}</tr>
${outcome}</table>
<h2>Per client action</h2>
<p>p50 latency seen by the client · synchronous HTTP calls · broker messages it caused</p>
<table><tr><th>client action</th>${variants.map((v) => `<th>${escape(v)}</th>`).join('')}</tr>
${actions}</table>
${sections}
${picture ? '' : '<p>No pictures: the diagrams are shown as Mermaid text (render them with Chromium installed, or paste them into any Mermaid viewer).</p>'}
</body></html>
`;
}
