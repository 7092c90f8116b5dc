import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { vegaLiteToSvg } from '../charts/vega-svg.js';
import { benchDocument, type Block } from './bench-document.js';
import type { BenchReport } from './bench-report-schema.js';
import { blocksToHtml, blocksToMarkdown } from './bench-render.js';
import { makeFolders } from '../core/make-folders.js';

/** The bench report as Markdown (what the terminal shows too). */
export function benchMarkdown(report: BenchReport, pictures = true): string {
  return blocksToMarkdown(benchDocument(report), pictures);
}

/** Writes report.json, report.md, report.html and each chart as <name>.vl.json (its Vega-Lite spec) and, with `pictures`, <name>.svg. */
export function writeBenchFiles(dir: string, report: BenchReport, pictures = true): Promise<void> {
  return writeReportFolder(dir, benchDocument(report), report, pictures);
}

/** Writes a report's folder: `report` as report.json, `blocks` as report.md and report.html, and each chart's spec (and, with `pictures`, its SVG). */
export async function writeReportFolder(dir: string, blocks: Block[], report: unknown, pictures: boolean): Promise<void> {
  await makeFolders(dir);
  for (const block of blocks) {
    if (block.kind !== 'chart') continue;
    await writeFile(join(dir, `${block.chart.name}.vl.json`), `${JSON.stringify(block.chart.spec, null, 2)}\n`);
    if (pictures) await writeFile(join(dir, `${block.chart.name}.svg`), await vegaLiteToSvg(block.chart.spec));
  }
  await writeFile(join(dir, 'report.json'), JSON.stringify(report, null, 2));
  await writeFile(join(dir, 'report.md'), blocksToMarkdown(blocks, pictures));
  await writeFile(join(dir, 'report.html'), blocksToHtml(blocks, pictures));
}
