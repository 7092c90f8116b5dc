import type { ActionDiagram } from '../diagrams/scenario-diagrams.js';
import type { ScenarioOutcome, VariantResult } from '../system/run-variants.js';
import { failuresOf, failureWhere, repeatsText } from './failures.js';
import { KEY_ACTIONS, mixedPathsNote, RANKING_LEGEND, rankingLine, rankingVerdict, standings } from './ranking.js';
import { diagramBody, MERMAID_PAGE_SCRIPT, MERMAID_SCRIPT } from './in-page-mermaid.js';
import { sagaHtml } from './saga-lifecycle.js';
import { outcomeCell, measuredLine } from './summary-markdown.js';
import { escapeHtml as escape, ms, range } from './text.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1800px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}
.ok{color:#080}td a{text-decoration:none}.bad{color:#b00}.dim{color:#666}h2{margin-top:32px}a{color:#0550ae}
.failures{border:2px solid #b00;background:#fff5f5;border-radius:6px;padding:8px 16px;margin:12px 0 20px}.failures h2{margin:4px 0 8px;color:#b00}
.failures li{margin:0 0 10px}.failures dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0 0}.failures dt{color:#666}.failures dd{margin:0}
.tabs{margin-top:8px}.tabs>input{position:absolute;opacity:0;pointer-events:none}
.tabs>label{display:inline-block;padding:6px 16px;margin:0 4px -1px 0;border:1px solid #ccc;border-radius:6px 6px 0 0;background:#f4f4f4;cursor:pointer;font-weight:600}
.tabs>input:focus-visible+label{outline:2px solid #0550ae}.panel{display:none;border-top:1px solid #ccc;padding-top:4px}
.panel nav{margin:8px 0}summary{cursor:pointer;color:#555;margin-bottom:8px}.panel nav a{margin-right:12px}.panel h3{margin:28px 0 4px;font-size:17px}
.figs{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.fig{margin:0;border:1px solid #ddd;border-radius:6px;padding:8px;max-width:100%;box-sizing:border-box;min-width:0;background:#fff}
.fig.failed{border:2px solid #b00}.fig figcaption{margin-bottom:6px}.fig .note{color:#555;font-style:italic}
.pic{overflow-x:auto;max-width:100%}.pic img{display:block;max-width:none;height:auto}
.src{font-size:12px;margin-left:8px}pre{font-size:12px;overflow:auto;background:#fafafa;margin:0}`;

/** Passing scenarios with more diagrams than this start folded. */
const FOLD_ABOVE = 12;

/** A fragment id: letters, digits and dashes only. */
const slug = (...parts: string[]) => parts.map((p) => p.toLowerCase().replace(/[^a-z0-9]+/g, '-')).join('--');

/** Shows the tab a link points into (and the tab of the page's #fragment on load): works from file:// too. */
const SCRIPT = `function show(v){var t=document.getElementById('tab-'+v);if(t)t.checked=true}
document.addEventListener('click',function(e){var a=e.target.closest&&e.target.closest('a[data-tab]');if(a)show(a.dataset.tab)});
(function(){var h=decodeURIComponent(location.hash.slice(1)),el=h&&document.getElementById(h),p=el&&el.closest('.panel');if(p){show(p.dataset.variant);el.scrollIntoView()}})();`;

function failuresSection(results: VariantResult[]): string {
  const failures = failuresOf(results);
  if (failures.length === 0) return '';
  const items = failures.map((f) => {
    const repeats = f.of > 1 ? ` <span class="dim">${escape(repeatsText(f))}</span>` : '';
    return `<li><a href="#${slug(f.variant, f.scenario)}" data-tab="${escape(f.variant)}"><b>${escape(failureWhere(f))}</b></a>${repeats}
<dl><dt>expected</dt><dd>${escape(f.expected)}</dd><dt>seen</dt><dd>${escape(f.seen || '–')}</dd><dt>problems</dt><dd class="bad">${escape(f.problems.join('; '))}</dd></dl></li>`;
  });
  return `<section class="failures" id="failures"><h2>What did not hold (${failures.length})</h2><ol>\n${items.join('\n')}\n</ol></section>`;
}

function figure(variant: string, scenario: ScenarioOutcome, diagram: ActionDiagram, picture?: 'svg'): string {
  const base = `${variant}/${scenario.name}/${diagram.name}`;
  const step = scenario.steps.find((s) => s.index === diagram.index);
  const mark = step ? (step.passed ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>') : '';
  const caused = step ? ` <span class="dim">· ${diagram.note ? 'the whole crowd caused ' : ''}${step.http} http · ${step.messages} msg</span>` : '';
  const problems = step && !step.passed ? `<div class="bad">${escape(step.problems.join('; '))}</div>` : '';
  const note = diagram.note ? `<div class="note">${escape([step?.seen, diagram.note].filter(Boolean).join(' — '))}</div>` : '';
  const body = diagramBody(diagram.mermaid, `${variant}: ${diagram.title}`, picture && `${base}.${picture}`);
  return `<figure class="fig${step && !step.passed ? ' failed' : ''}" id="${slug(variant, scenario.name, String(diagram.index))}"><figcaption>${mark} <b>${diagram.index}</b> ${escape(diagram.title)}${caused}<a class="src" href="${escape(base)}.mmd">Mermaid source</a>${note}${problems}</figcaption>
${body}</figure>`;
}

/** The style's topology at the top of its tab: solid arrows REST, dotted ones through the broker. */
function topologyFigure(variant: string, mermaid: string, picture?: 'svg'): string {
  const base = `${variant}/topology`;
  const body = diagramBody(mermaid, `${variant}: topology`, picture && `${base}.${picture}`);
  return `<section id="${slug(variant, 'topology')}"><h3>Topology</h3><figure class="fig"><figcaption>Who reaches whom in ${escape(variant)}: solid arrows are REST calls, dotted ones go through the broker<a class="src" href="${escape(base)}.mmd">Mermaid source</a></figcaption>
${body}</figure></section>`;
}

function panel(result: VariantResult, diagrams: Record<string, ActionDiagram[]>, picture?: 'svg', topology?: string): string {
  const v = result.variant;
  const nav = result.scenarios.map((s) => `<a href="#${slug(v, s.name)}"><span class="${s.passed ? 'ok' : 'bad'}">${s.passed ? '✓' : '✗'}</span> ${escape(s.name)}</a>`).join('');
  const sections = result.scenarios.map((s) => {
    const drawn = diagrams[s.name] ?? [];
    const from = s.repeats.length > 1 ? ` · drawn from repeat ${s.stepsFrom} of ${s.repeats.length}${s.passed ? '' : ' (the last that failed)'}` : '';
    const figs = drawn.length ? `<div class="figs">\n${drawn.map((d) => figure(v, s, d, picture)).join('\n')}\n</div>` : '<p class="dim">No client action to draw (invariant checks only).</p>';
    // Long passing scenarios start folded, so the others are not lost below them; a failing one is always open.
    const open = !s.passed || drawn.length <= FOLD_ABOVE ? ' open' : '';
    return `<section id="${slug(v, s.name)}"><h3><span class="${s.passed ? 'ok' : 'bad'}">${s.passed ? '✓' : '✗'}</span> ${escape(s.name)} — ${escape(s.title)}</h3>
<details${open}><summary>${escape(outcomeCell(s))} · ${drawn.length} diagram${drawn.length === 1 ? '' : 's'}${escape(from)}</summary>
${figs}</details></section>`;
  });
  return `<div class="panel" id="panel-${slug(v)}" data-variant="${escape(v)}"><nav>${nav}</nav>\n${topology ? `${topologyFigure(v, topology, picture)}\n` : ''}${sections.join('\n')}\n</div>`;
}

/** The run as one page: what did not hold, (with more than one variant) a link to decision.html, the outcome and per-action tables, the order saga's lifecycle, then one tab per variant with every client action's diagram at its natural size. */
export function reportHtml(
  results: VariantResult[],
  diagrams: Record<string, Record<string, ActionDiagram[]>>,
  meta: { broker: string; date: string },
  picture?: 'svg',
  topologies: Record<string, string> = {},
): string {
  const variants = results.map((r) => r.variant);
  const scenarios = results[0]?.scenarios ?? [];
  const passed = results.every((r) => r.passed);
  const outcome = scenarios
    .map((s) => {
      const cells = results.map((r) => {
        const mine = r.scenarios.find((x) => x.name === s.name)!;
        return `<td class="${mine.passed ? 'ok' : 'bad'}"><a class="${mine.passed ? 'ok' : 'bad'}" href="#${slug(r.variant, s.name)}" data-tab="${escape(r.variant)}">${escape(outcomeCell(mine))}</a></td>`;
      });
      return `<tr><td>${escape(s.name)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const kinds = [...new Set(results.flatMap((r) => r.actions.map((a) => a.kind)))];
  const actions = kinds
    .map((kind) => {
      const cells = results.map((r) => {
        const a = r.actions.find((x) => x.kind === kind);
        return `<td>${a ? `<b>${ms(a.latencyMs.median)}</b> n=${a.latencyMs.n}<br><span class="dim">${a.latencyMs.n > 1 ? `${escape(range(a.latencyMs))} · ` : ''}${a.http} http · ${a.messages} msg</span>` : '–'}</td>`;
      });
      return `<tr><td>${escape(kind)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const ranking =
    results.length > 1
      ? KEY_ACTIONS.flatMap((kind) => {
          const rows = standings(results, kind);
          const note = mixedPathsNote(results, kind);
          return rows.length ? [`<li><b>${escape(kind)}</b>: ${escape(rankingLine(rows, (n) => n.toFixed(1)))} ms <span class="dim">— ${escape(rankingVerdict(rows))}${note ? ` (${escape(note)})` : ''}</span></li>`] : [];
        })
      : [];
  const tabs = variants.map((v, i) => {
    const ok = results[i].passed;
    return `<input type="radio" name="variant" id="tab-${escape(v)}"${i === 0 ? ' checked' : ''}><label for="tab-${escape(v)}"><span class="${ok ? 'ok' : 'bad'}">${ok ? '✓' : '✗'}</span> ${escape(v)}</label>`;
  });
  const tabStyle = variants.map((v) => `#tab-${v}:checked~#panel-${slug(v)}{display:block}#tab-${v}:checked+label{background:#fff;border-bottom-color:#fff}`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>orderctl run ${escape(meta.date)}</title><style>${STYLE}\n${tabStyle}</style></head>
<body>
<h1>orderctl run <span class="${passed ? 'ok' : 'bad'}">${passed ? 'all expectations held' : 'some expectations did not hold'}</span></h1>
${failuresSection(results)}
${results.length > 1 ? '<p><b>Which style for what:</b> <a href="decision.html">the decision page</a> ranks the styles over the clean scenarios, like with like, and says why where it does not.</p>' : ''}
<p>${escape(meta.date)} · broker: ${escape(meta.broker)} · variants: ${results.map((r) => `${escape(r.variant)} (${ms(r.ms)})`).join(', ')} · summary also in <a href="summary.md">summary.md</a>, every hop in <a href="recording.json">recording.json</a></p>
<p class="dim">${escape(measuredLine(results))}</p>
<p>Jump to: <a href="#scenarios">scenarios</a> · <a href="#actions">per client action</a>${ranking.length ? ' · <a href="#side-by-side">side by side</a>' : ''} · <a href="#saga">the order saga</a> · <a href="#diagrams">diagrams</a> (${variants.map((v) => `<a href="#panel-${slug(v)}" data-tab="${escape(v)}">${escape(v)}</a>`).join(', ')})</p>
<h2 id="scenarios">Scenarios</h2>
<table><tr><th>scenario</th>${variants.map((v) => `<th>${escape(v)}</th>`).join('')}</tr>
${outcome}</table>
<h2 id="actions">Per client action</h2>
<p>Median latency seen by the client over n samples; below it the spread (p5–p95; min–max below 20 samples) · synchronous HTTP calls · broker messages per action. Invariant checks are not client actions and are left out.</p>
<table><tr><th>client action</th>${variants.map((v) => `<th>${escape(v)}</th>`).join('')}</tr>
${actions}</table>
${ranking.length ? `<h3 id="side-by-side">Side by side</h3><p class="dim">${escape(RANKING_LEGEND)}.</p><ul>${ranking.join('\n')}</ul>` : ''}
${sagaHtml(picture)}
<h2 id="diagrams">Diagrams</h2>
<p>One tab per variant; each client action's sequence diagram at its natural size (scroll sideways inside a wide one). ${picture ? 'Click a picture to open it on its own; “Mermaid source” is its text.' : `No Chromium was found to render pictures, so this page draws the diagrams itself with Mermaid (${MERMAID_SCRIPT} beside it); with scripts off they show as Mermaid text.`}</p>
<div class="tabs">
${tabs.join('\n')}
${results.map((r) => panel(r, diagrams[r.variant] ?? {}, picture, topologies[r.variant])).join('\n')}
</div>
<script>${SCRIPT}</script>
${picture ? '' : MERMAID_PAGE_SCRIPT}
</body></html>
`;
}
