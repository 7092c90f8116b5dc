import { escapeHtml as escape, markdownTable } from '../report/text.js';
import type { Block } from './bench-document.js';

/** The report as Markdown; charts link to their SVG (or, without pictures, to their spec). */
export function blocksToMarkdown(blocks: Block[], pictures: boolean): string {
  const out = blocks.map((b) => {
    switch (b.kind) {
      case 'title':
        return `# ${b.text}`;
      case 'heading':
        return `## ${b.text}`;
      case 'paragraph':
        return b.text;
      case 'table':
        return markdownTable(b.head, b.rows);
      case 'list':
        return b.items.map((i) => `- ${i.bad ? `**${i.text}**` : i.text}`).join('\n');
      case 'chart':
        return pictures ? `![${b.chart.title}](${b.chart.name}.svg)` : `Chart: [${b.chart.name}.vl.json](${b.chart.name}.vl.json) (${b.chart.title})`;
    }
  });
  return `${out.join('\n\n')}\n`;
}

const inline = (s: string) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The report page: tables as tables, each chart as an image above the table with its figures; red only for a broken invariant. */
export function blocksToHtml(blocks: Block[], pictures: boolean): string {
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
        return `<table><tr>${b.head.map((c) => `<th>${escape(c)}</th>`).join('')}</tr>${b.rows.map((r) => `<tr>${r.map((c, i) => `<td${i ? ' class="num"' : ''}>${escape(c)}</td>`).join('')}</tr>`).join('')}</table>`;
      case 'list':
        return `<ul>${b.items.map((i) => `<li${i.bad ? ' class="bad"' : ''}>${escape(i.text)}</li>`).join('')}</ul>`;
      case 'chart':
        return pictures
          ? `<figure><img src="${b.chart.name}.svg" alt="${escape(b.chart.title)}"><figcaption>${escape(b.chart.title)}: figures in the table below · <a href="${b.chart.name}.vl.json">spec</a></figcaption></figure>`
          : `<p>Chart not drawn (--no-render): <a href="${b.chart.name}.vl.json">${escape(b.chart.name)}.vl.json</a></p>`;
    }
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title && 'text' in title ? title.text : 'orderctl bench')}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}td.num{font-variant-numeric:tabular-nums}.bad{color:#b00;font-weight:bold}figure{margin:8px 0 8px}figure img{max-width:100%;height:auto}figcaption{color:#555;font-size:12px}code{background:#f4f4f4;padding:1px 3px}</style></head>
<body>
${body.join('\n')}
<p>All figures: <a href="report.json">report.json</a> · <a href="report.md">report.md</a></p>
</body></html>
`;
}
