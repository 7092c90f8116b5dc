import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Renderer } from '../diagrams/renderer.js';
import { escapeHtml as escape, markdownTable as table } from '../report/text.js';
import type { BenchReport, BenchRun } from './bench-report-schema.js';

const name = (r: BenchRun) => `${r.variant}${r.broker === 'rabbitmq' ? ' (RabbitMQ)' : ''}`;
const fmt = (n: number | undefined, digits = 1) => (n === undefined ? '–' : n.toFixed(digits));
const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? 'met' : 'NOT met');

/** The tables of a bench, as Markdown. */
export function benchMarkdown(report: BenchReport): string {
  const { expressHello, nodeHttpHello } = report.baselines;
  const main = table(
    ['variant', 'accepted orders/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'completed orders/s', 'to final p50/p99 ms', 'to notification p50/p99 ms', 'http/order', 'msg/order', '× express hello', 'tracing on/off', 'CPU s', 'peak MB', 'errors'],
    report.runs.map((r) => [
      name(r),
      r.load.acceptedPerSecond,
      r.load.latencyMs.p50,
      r.load.latencyMs.p90,
      r.load.latencyMs.p99,
      r.load.latencyMs.max,
      fmt(r.sut.orders?.completedPerSecond, 0),
      r.sut.orders ? `${fmt(r.sut.orders.toFinalMs.p50)} / ${fmt(r.sut.orders.toFinalMs.p99)}` : '–',
      r.sut.orders ? `${fmt(r.sut.orders.toNotificationMs.p50)} / ${fmt(r.sut.orders.toNotificationMs.p99)}` : '–',
      fmt(r.sut.orders?.httpPerOrder, 1),
      fmt(r.sut.orders?.messagesPerOrder, 1),
      fmt(r.ratios.toExpressHello, 2),
      fmt(r.ratios.tracingOnToOff, 2),
      r.sut.cpuSeconds,
      r.sut.peakRssMb,
      Object.entries(r.load.statusCodes).filter(([code]) => !code.startsWith('2')).map(([code, n]) => `${n}× ${code}`).join(', ') || (r.load.errors ? `${r.load.errors} errors` : '0'),
    ]),
  );
  const consistency = report.runs.map((r) => `- ${name(r)}: ${r.sut.consistency?.ok ? 'consistent' : `**NOT consistent**: ${r.sut.consistency?.problems.join('; ')}`} (${r.sut.consistency?.summary ?? ''})`);
  const half = report.runs.filter((r) => r.halfLoad).map((r) => `- ${name(r)} at ${r.halfLoad!.rate} orders/s (half its saturation): client p99 ${r.halfLoad!.latencyMs.p99} ms, to notification p50 ${fmt(r.halfLoad!.toNotificationMs.p50)} ms, p99 ${fmt(r.halfLoad!.toNotificationMs.p99)} ms`);
  return [
    `# orderctl bench — ${report.date}`,
    '',
    `\`${report.command}\` · ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGb} GB, Node ${report.machine.node} · ${report.settings.connections} connections, ${report.settings.durationSeconds} s per run${report.settings.rate ? `, open loop at ${report.settings.rate}/s` : ''}, ${report.settings.users} customers`,
    '',
    `Baselines in the same run: express hello-world ${expressHello.requestsPerSecond} req/s (p99 ${expressHello.latencyMs.p99} ms), node:http hello-world ${nodeHttpHello.requestsPerSecond} req/s (p99 ${nodeHttpHello.latencyMs.p99} ms).`,
    '',
    '## Order placement under load',
    '',
    main,
    '',
    '## Consistency after the load',
    '',
    ...consistency,
    ...(half.length ? ['', '## At half of saturation', '', ...half] : []),
    '',
    '## Targets',
    '',
    table(['target', 'verdict', 'figures'], report.targets.map((t) => [t.target, verdict(t.met), t.detail])),
    '',
  ].join('\n');
}

const quote = (s: string) => `"${s.replace(/"/g, "'")}"`;

/** Mermaid xychart-beta charts of the bench: throughput, latency, and latency against load. */
export function benchCharts(report: BenchReport): { name: string; title: string; mermaid: string }[] {
  const labels = report.runs.map(name);
  const bar = (title: string, axis: string, values: number[]) =>
    ['xychart-beta', `  title ${quote(title)}`, `  x-axis [${labels.map(quote).join(', ')}]`, `  y-axis ${quote(axis)}`, `  bar [${values.map((v) => Math.round(v)).join(', ')}]`, ''].join('\n');
  const charts = [
    { name: 'accepted', title: 'Accepted orders per second', mermaid: bar('Accepted orders per second', 'orders/s', report.runs.map((r) => r.load.acceptedPerSecond)) },
    { name: 'completed', title: 'Completed orders per second', mermaid: bar('Completed orders per second', 'orders/s', report.runs.map((r) => r.sut.orders?.completedPerSecond ?? 0)) },
    { name: 'latency', title: 'Client latency p99 (ms)', mermaid: bar('Client latency p99', 'ms', report.runs.map((r) => r.load.latencyMs.p99)) },
  ];
  const stepped = report.runs.filter((r) => r.steps?.length);
  if (stepped.length) {
    const rates = stepped[0].steps!.map((s) => s.rate);
    charts.push({
      name: 'latency-vs-load',
      title: 'Client latency p99 against offered load',
      mermaid: ['xychart-beta', `  title ${quote('p99 latency (ms) against offered load (orders/s)')}`, `  x-axis [${rates.join(', ')}]`, `  y-axis "ms"`, ...stepped.map((r) => `  line [${r.steps!.map((s) => s.latencyMs.p99).join(', ')}]`), ''].join('\n'),
    });
  }
  return charts;
}

/** Writes report.json, report.md, report.html and the charts (as .mmd, and .svg with a renderer). */
export async function writeBenchFiles(dir: string, report: BenchReport, renderer?: Renderer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const markdown = benchMarkdown(report);
  const charts = benchCharts(report);
  for (const chart of charts) {
    await writeFile(join(dir, `${chart.name}.mmd`), chart.mermaid);
    if (renderer) await writeFile(join(dir, `${chart.name}.svg`), await renderer.render(chart.mermaid, 'svg'));
  }
  await writeFile(join(dir, 'report.json'), JSON.stringify(report, null, 2));
  await writeFile(join(dir, 'report.md'), markdown);
  await writeFile(join(dir, 'report.html'), benchHtml(report, markdown, charts, !!renderer));
}


/** Markdown tables to HTML tables, the rest as paragraphs: the report page. */
function benchHtml(report: BenchReport, markdown: string, charts: { name: string; title: string; mermaid: string }[], pictures: boolean): string {
  const blocks = markdown.split('\n\n').map((block) => {
    if (block.startsWith('# ')) return `<h1>${escape(block.slice(2))}</h1>`;
    if (block.startsWith('## ')) return `<h2>${escape(block.slice(3))}</h2>`;
    if (block.startsWith('|')) {
      const [head, , ...rows] = block.split('\n').map((line) => line.slice(2, -2).split(' | '));
      return `<table><tr>${head.map((c) => `<th>${escape(c)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td class="${/NOT/.test(c) ? 'bad' : c === 'met' ? 'ok' : ''}">${escape(c)}</td>`).join('')}</tr>`).join('')}</table>`;
    }
    if (block.startsWith('- ')) return `<ul>${block.split('\n').map((l) => `<li>${escape(l.slice(2)).replace(/\*\*(.*?)\*\*/g, '<b class="bad">$1</b>')}</li>`).join('')}</ul>`;
    return `<p>${escape(block)}</p>`;
  });
  const figures = charts.map((c) => `<figure><figcaption>${escape(c.title)}</figcaption>${pictures ? `<img src="${c.name}.svg" alt="${escape(c.title)}">` : `<pre>${escape(c.mermaid)}</pre>`}</figure>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>orderctl bench ${escape(report.date)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ccc;padding:4px 8px}th{background:#f4f4f4}.ok{color:#080}.bad{color:#b00}figure{display:inline-block;margin:0 24px 24px 0}figure img{width:560px}</style></head>
<body>${blocks.slice(0, 2).join('\n')}<section class="charts">${figures.join('')}</section>${blocks.slice(2).join('\n')}<p>All figures: <a href="report.json">report.json</a>.</p></body></html>
`;
}
