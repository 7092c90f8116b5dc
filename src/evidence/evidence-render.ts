import { escapeHtml as escape, markdownTable, mdCell } from '../report/text.js';
import type { Block } from './evidence-document.js';
import { kindWords } from './verdict.js';

/** The report as Markdown; charts link to their SVG. */
export function evidenceMarkdown(blocks: Block[]): string {
  const out = blocks.map((b) => {
    switch (b.kind) {
      case 'title':
        return `# ${b.text}`;
      case 'heading':
        return `## ${b.text}`;
      case 'paragraph':
        return b.text;
      case 'table':
        return markdownTable(b.head.map(mdCell), b.rows.map((r) => r.map(mdCell)));
      case 'list':
        return b.items.map((i) => `- ${i.text}`).join('\n');
      case 'chart':
        return `![${b.chart.title}](${b.chart.name}.svg)`;
      case 'verdict':
        return `**${b.label}: ${kindWords(b.verdict)}** — ${b.verdict.text}`;
    }
  });
  return `${out.join('\n\n')}\n`;
}

const inline = (s: string) =>
  escape(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\(([\w./-]+)\)/g, '<a href="$2">$1</a>');

/** A verdict's words get its colour (with the words themselves, never colour alone). */
const VERDICT_CLASS: Record<string, string> = { holds: 'holds', 'does not hold': 'does-not-hold', 'holds only in part': 'holds-only-when', 'not judged': 'not-judged' };
const cell = (c: string) => (VERDICT_CLASS[c] ? `<td class="v ${VERDICT_CLASS[c]}">${escape(c)}</td>` : `<td>${escape(c)}</td>`);

/** The report page: each chart as an image (its SVG) above the table with its figures, and each verdict marked by its kind. */
export function evidenceHtml(blocks: Block[]): string {
  const title = blocks.find((b) => b.kind === 'title');
  const body = blocks.map((b) => {
    switch (b.kind) {
      case 'title':
        return `<h1>${escape(b.text)}</h1>`;
      case 'heading':
        return `<h2>${escape(b.text)}</h2>`;
      case 'paragraph':
        return `<p>${inline(b.text)}</p>`;
      case 'table':
        return `<table><tr>${b.head.map((c) => `<th>${escape(c)}</th>`).join('')}</tr>${b.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</table>`;
      case 'list':
        return `<ul>${b.items.map((i) => `<li>${escape(i.text)}</li>`).join('')}</ul>`;
      case 'chart':
        return `<figure class="chart"><img src="${b.chart.name}.svg" alt="${escape(b.chart.title)}"><figcaption>${escape(b.chart.title)}: figures and sample counts in the table below · <a href="${b.chart.name}.vl.json">spec</a></figcaption></figure>`;
      case 'verdict':
        return `<p class="verdict ${b.verdict.kind}"><strong>${escape(b.label)}: ${escape(kindWords(b.verdict))}</strong> — ${escape(b.verdict.text)}</p>`;
    }
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title && 'text' in title ? title.text : 'orderctl evidence')}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}figure{margin:8px 0}figure img{max-width:100%;height:auto}figcaption{color:#555;font-size:12px}code{background:#f4f4f4;padding:1px 3px}.verdict{padding:6px 10px;border-left:4px solid #888;background:#fafafa}.verdict.holds{border-color:#2a7}.verdict.does-not-hold{border-color:#c33}.verdict.holds-only-when{border-color:#d90}td.v.holds{background:#dafbe1}td.v.does-not-hold{background:#ffe1e4}td.v.holds-only-when{background:#fff1c2}td.v.not-judged{background:#f0f1f3}</style></head>
<body>
${body.join('\n')}
<p>All figures: <a href="evidence.json">evidence.json</a> (schema: <a href="evidence.schema.json">evidence.schema.json</a>) · <a href="evidence.md">evidence.md</a></p>
</body></html>
`;
}
