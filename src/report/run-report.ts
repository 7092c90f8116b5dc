import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PictureCache, writeDiagrams } from '../diagrams/write-diagrams.js';
import { scenarioDiagrams, type ActionDiagram } from '../diagrams/scenario-diagrams.js';
import type { Renderer } from '../diagrams/renderer.js';
import type { VariantResult } from '../system/run-variants.js';
import type { ClientAction } from '../scenarios/api-client.js';
import type { Recorder } from '../tracing/recorder.js';
import { decisionHtml, decisionMarkdown, decisionOfRuns } from './decision-page.js';
import type { PlanLink } from './decision-run.js';
import { copyMermaidScript } from './in-page-mermaid.js';
import { reportHtml } from './report-html.js';
import { sagaDiagram } from './saga-lifecycle.js';
import { summaryMarkdown } from './summary-markdown.js';
import { makeFolders } from '../core/make-folders.js';

/** What one variant of a run left behind: its results, its recording, and the measured client actions (for a crowd's median order). */
export interface VariantRun {
  result: VariantResult;
  recorder: Recorder;
  actions?: ClientAction[];
  /** The style's topology as a Mermaid flowchart (who reaches whom, by REST or through the broker). */
  topology?: string;
  /** The same as links, for the decision page's coupling. */
  links?: PlanLink[];
  /** The scenario of every measured trace (every repeat's); without it, those of the repeat each scenario's steps are kept from. */
  scenarioOf?: Map<string, string>;
}

/** What was written, for the closing lines. */
export interface ReportOutcome {
  dir: string;
  /** decision.html, written when more than one style ran. */
  decision?: string;
  diagrams: number;
  rendered: number;
  renderMs: number;
}

/** `20261121-063000` (UTC), for folder names. */
export const timestamp = (now = new Date()) => now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** `20261121-063000-hybrid`: a run's report folder is named by its start and its variant (see claimReportFolder). */
export function runFolderName(variants: string[], started = new Date()): string {
  return `${timestamp(started)}-${variants.length === 1 ? variants[0] : 'all'}`;
}

/** Writes recording.json, the diagrams of every client action and of the order saga's lifecycle, summary.md and index.html; with more than one style also decision.html and decision.md. */
export async function writeRunReport(
  dir: string,
  runs: VariantRun[],
  meta: { broker: string; date: string },
  renderer?: Renderer,
  onRendered?: (done: number, asked: number) => void,
): Promise<ReportOutcome> {
  await makeFolders(dir);
  const pictures = renderer && new PictureCache(renderer, onRendered);
  const diagrams: Record<string, Record<string, ActionDiagram[]>> = {};
  const topologies: Record<string, string> = {};
  let count = 0;
  await writeDiagrams(dir, [sagaDiagram()], pictures);
  for (const { result, recorder, actions, topology } of runs) {
    diagrams[result.variant] = {};
    if (topology) {
      topologies[result.variant] = topology;
      await writeDiagrams(join(dir, result.variant), [{ name: 'topology', title: `${result.variant}: who reaches whom`, mermaid: topology, index: 0 }], pictures);
    }
    for (const scenario of result.scenarios) {
      const drawn = scenarioDiagrams(scenario, recorder, {}, actions);
      diagrams[result.variant][scenario.name] = drawn;
      count += drawn.length;
      await writeDiagrams(join(dir, result.variant, scenario.name), drawn, pictures);
    }
  }
  const recording = Object.fromEntries(
    runs.map(({ result, recorder }) => [
      result.variant,
      { scenarios: result.scenarios.map((s) => ({ name: s.name, stepsFrom: s.stepsFrom, steps: s.steps.map(({ index, title, traceIds }) => ({ index, title, traceIds })) })), hops: recorder.all() },
    ]),
  );
  await writeFile(join(dir, 'recording.json'), JSON.stringify({ ...meta, variants: recording }));
  const results = runs.map((r) => r.result);
  await writeFile(join(dir, 'summary.md'), summaryMarkdown(results, meta));
  if (!pictures) await copyMermaidScript(dir);
  await writeFile(join(dir, 'index.html'), reportHtml(results, diagrams, meta, pictures ? 'svg' : undefined, topologies));
  let decision: string | undefined;
  if (runs.length > 1) {
    const decided = decisionOfRuns(runs);
    decision = join(dir, 'decision.html');
    await writeFile(decision, decisionHtml(decided, meta));
    await writeFile(join(dir, 'decision.md'), decisionMarkdown(decided, meta));
  }
  return { dir, ...(decision ? { decision } : {}), diagrams: count, rendered: pictures?.rendered ?? 0, renderMs: pictures?.ms ?? 0 };
}
