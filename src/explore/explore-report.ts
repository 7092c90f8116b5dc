import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Renderer } from '../diagrams/renderer.js';
import { PictureCache, writeDiagrams } from '../diagrams/write-diagrams.js';
import { copyMermaidScript, diagramBody, MERMAID_PAGE_SCRIPT } from '../report/in-page-mermaid.js';
import { escapeHtml as escape, markdownTable, mdCell } from '../report/text.js';
import type { StyleExploration } from './explore.js';
import { makeFolders } from '../core/make-folders.js';

/** Where and how one exploration ran. */
export interface ExploreMeta {
  seed: number;
  runs: number;
  ops: number;
  placement: string;
  date: string;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.n{text-align:right}.ok{color:#080}.bad{color:#b00}.dim{color:#666}h2{margin-top:32px}a{color:#0550ae}
.failure{border:2px solid #b00;background:#fff5f5;border-radius:6px;padding:8px 16px;margin:12px 0 20px}
pre{font-size:12px;overflow:auto;background:#fafafa;padding:8px;max-height:480px}
.figs{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.fig{margin:0;border:1px solid #ddd;border-radius:6px;padding:8px;background:#fff;max-width:100%;overflow-x:auto}`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
const verdict = (r: StyleExploration) => (r.failure ? `broke a rule (${r.failure.problems.length} problem(s))` : 'every rule held');
const replayCommand = (r: StyleExploration, dir: string) => `orderctl run --variant=${r.variant} --scenarios-dir ${dir} --scenario ${r.failure!.fileName.replace(/\.yaml$/, '')}`;

/** summary.md: the table of styles, then each failure with what broke, how it shrank and how to replay it. */
export function exploreMarkdown(results: StyleExploration[], meta: ExploreMeta, dir: string): string {
  const table = markdownTable(
    ['style', 'runs', 'actions', 'faults', 'time', 'result'],
    results.map((r) => [r.variant, r.runs, r.actions, r.faults, seconds(r.ms), verdict(r)]),
  );
  const failures = results.flatMap((r) => {
    const f = r.failure;
    if (!f) return [];
    return [
      `## ${r.variant}, seed ${f.seed}`,
      '',
      `Found with ${f.found.actions} actions and ${f.found.faults} faults; shrunk in ${f.shrinks} steps to ${f.shrunk.actions} actions and ${f.shrunk.faults} faults; failed again in ${f.reproduced.failed} of ${f.reproduced.of} replays.`,
      '',
      ...f.problems.map((p) => `- ${p}`),
      '',
      `Scenario: \`${f.fileName}\`. Replay: \`${replayCommand(r, dir)}\``,
      '',
      markdownTable(['ms', 'request', 'answer', 'order shown'], f.history.map((h) => [h.at, mdCell(h.request), h.status, h.order ?? ''])),
      '',
    ];
  });
  return [`# orderctl explore, seed ${meta.seed}`, '', `${meta.date} · ${meta.runs} run(s) per style · ${meta.placement}`, '', table, '', ...failures].join('\n');
}

/** index.html: the same as summary.md, with the shrunk scenario and the sequence diagram of each of its actions. */
function exploreHtml(results: StyleExploration[], meta: ExploreMeta, dir: string, pictures: Record<string, string[]>): string {
  const passed = results.every((r) => !r.failure);
  const rows = results
    .map((r) => `<tr><td>${escape(r.variant)}</td><td class="n">${r.runs}</td><td class="n">${r.actions}</td><td class="n">${r.faults}</td><td class="n">${seconds(r.ms)}</td><td class="${r.failure ? 'bad' : 'ok'}">${r.failure ? `<a class="bad" href="#${escape(r.variant)}">${escape(verdict(r))}</a>` : escape(verdict(r))}</td></tr>`)
    .join('\n');
  const drawsItself = results.some((r) => r.failure?.diagrams.length && !pictures[r.variant]?.length);
  const failures = results
    .filter((r) => r.failure)
    .map((r) => {
      const f = r.failure!;
      const history = f.history.map((h) => `<tr><td class="n">${h.at}</td><td>${escape(h.request)}</td><td class="n">${h.status}</td><td>${escape(h.order ?? '')}</td></tr>`).join('\n');
      const figures = f.diagrams
        .map((d, i) => `<figure class="fig"><figcaption>${escape(`step ${d.index}: ${d.title}`)}</figcaption>${diagramBody(d.mermaid, d.title, pictures[r.variant]?.[i])}</figure>`)
        .join('\n');
      return `<section class="failure" id="${escape(r.variant)}"><h2 class="bad">${escape(r.variant)}, seed ${f.seed}</h2>
<p>Found with ${f.found.actions} actions and ${f.found.faults} faults; shrunk in ${f.shrinks} steps to ${f.shrunk.actions} actions and ${f.shrunk.faults} faults; failed again in ${f.reproduced.failed} of ${f.reproduced.of} replays.</p>
<ul>${f.problems.map((p) => `<li>${escape(p)}</li>`).join('')}</ul>
<p>Replay: <code>${escape(replayCommand(r, dir))}</code></p>
<h3>The shrunk scenario (<a href="${escape(f.fileName)}">${escape(f.fileName)}</a>)</h3><pre>${escape(f.yaml)}</pre>
<h3>What the client saw in the last replay</h3><table><tr><th>ms from start</th><th>request</th><th>answer</th><th>order shown</th></tr>${history}</table>
<h3>Each action, as it flowed</h3><div class="figs">${figures || '<p class="dim">no action to draw</p>'}</div></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>orderctl explore, seed ${meta.seed}</title><style>${STYLE}</style></head>
<body><h1>orderctl explore <span class="${passed ? 'ok' : 'bad'}">${passed ? 'every rule held' : 'a rule was broken'}</span></h1>
<p>${escape(meta.date)} · seed ${meta.seed} · ${meta.runs} run(s) per style · ${escape(meta.placement)} · also in <a href="summary.md">summary.md</a> and <a href="explore.json">explore.json</a></p>
<p class="dim">Each run: 1–3 customers, up to ${meta.ops} actions and faults drawn from the seed; then the history rules (statuses in order, final stays final, a repeated key gets the first answer, a cancelled order is never received) and the invariants (money conserved, one notification per order, stock balanced, sagas final). Actions counts every request a customer made and faults every fault put on, over the runs until the first that broke a rule (shrinking runs left out).</p>
<table><tr><th>style</th><th>runs</th><th>actions</th><th>faults</th><th>time</th><th>result</th></tr>
${rows}</table>
${failures}
${drawsItself ? MERMAID_PAGE_SCRIPT : ''}
</body></html>`;
}

/** Writes summary.md, explore.json, index.html, and per failure its scenario file and diagrams (pictures when a renderer is given). */
export async function writeExploreReport(dir: string, results: StyleExploration[], meta: ExploreMeta, renderer?: Renderer): Promise<{ files: Record<string, string> }> {
  await makeFolders(dir);
  const files: Record<string, string> = {};
  const pictures: Record<string, string[]> = {};
  const cache = renderer && new PictureCache(renderer);
  for (const r of results) {
    if (!r.failure) continue;
    files[r.variant] = join(dir, r.failure.fileName);
    await writeFile(files[r.variant], r.failure.yaml);
    await writeDiagrams(join(dir, `${r.variant}-diagrams`), r.failure.diagrams, cache);
    pictures[r.variant] = cache ? r.failure.diagrams.map((d) => `${r.variant}-diagrams/${d.name}.svg`) : [];
  }
  const json = { seed: meta.seed, passed: results.every((r) => !r.failure), placement: meta.placement, date: meta.date, styles: results.map((r) => ({ ...r, ms: Math.round(r.ms), ...(r.failure ? { failure: { ...r.failure, diagrams: r.failure.diagrams.map((d) => d.name), file: files[r.variant] } } : {}) })) };
  await writeFile(join(dir, 'explore.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(join(dir, 'summary.md'), exploreMarkdown(results, meta, dir));
  if (!cache && results.some((r) => r.failure)) await copyMermaidScript(dir);
  await writeFile(join(dir, 'index.html'), exploreHtml(results, meta, dir, pictures));
  return { files };
}
