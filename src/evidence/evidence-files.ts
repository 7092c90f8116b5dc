import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { vegaLiteToSvg } from '../charts/vega-svg.js';
import { evidenceDecision } from '../report/decision-evidence.js';
import { evidenceCharts } from './evidence-charts.js';
import { evidenceDocument } from './evidence-document.js';
import { evidenceHtml, evidenceMarkdown } from './evidence-render.js';
import type { EvidenceData } from './evidence-run.js';
import { evidenceJsonSchema, evidenceSchema, type EvidenceReport } from './evidence-schema.js';
import { makeFolders } from '../core/make-folders.js';

/** The report with its charts named, checked against its schema, and its decision page. */
export function finishReport(data: EvidenceData): { report: EvidenceReport; markdown: string; html: string; charts: ReturnType<typeof evidenceCharts>; decision: { html: string; markdown: string } } {
  const charts = evidenceCharts(data);
  const report = evidenceSchema.parse({ ...data, claims: data.claims.map((c) => ({ ...c, ...(charts.has(c.id) ? { chart: charts.get(c.id)!.name } : {}) })) });
  const blocks = evidenceDocument(data, charts);
  return { report, markdown: evidenceMarkdown(blocks), html: evidenceHtml(blocks), charts, decision: evidenceDecision(data) };
}

/** Writes evidence.json, evidence.schema.json, evidence.md, evidence.html, decision.html, decision.md and each chart as <name>.vl.json and <name>.svg. */
export async function writeEvidenceFiles(dir: string, data: EvidenceData): Promise<EvidenceReport> {
  const { report, markdown, html, charts, decision } = finishReport(data);
  await makeFolders(dir);
  for (const chart of charts.values()) {
    await writeFile(join(dir, `${chart.name}.vl.json`), `${JSON.stringify(chart.spec, null, 2)}\n`);
    await writeFile(join(dir, `${chart.name}.svg`), await vegaLiteToSvg(chart.spec));
  }
  await writeFile(join(dir, 'evidence.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, 'evidence.schema.json'), `${JSON.stringify(evidenceJsonSchema(), null, 2)}\n`);
  await writeFile(join(dir, 'evidence.md'), markdown);
  await writeFile(join(dir, 'evidence.html'), html);
  await writeFile(join(dir, 'decision.html'), decision.html);
  await writeFile(join(dir, 'decision.md'), decision.markdown);
  return report;
}
