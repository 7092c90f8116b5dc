import type { ScenarioOutcome, VariantResult } from '../system/run-variants.js';
import { failuresOf, failureWhere, repeatsText } from './failures.js';
import { KEY_ACTIONS, mixedPathsNote, RANKING_LEGEND, rankingLine, rankingVerdict, standings } from './ranking.js';
import { sagaMarkdown } from './saga-lifecycle.js';
import { latency, markdownTable as table, mdCell, ms } from './text.js';

/** `✓ 10/10 steps in 52.3 ms (n=1)`, or with repeats `✗ 9/10 steps in 50.1 ms (n=3, 48.0–61.2 ms) · failed in repeat 2 of 3` (steps of the repeat shown). */
export function outcomeCell(s: ScenarioOutcome): string {
  const held = s.steps.filter((step) => step.passed).length;
  const failed = s.repeats.filter((r) => !r.passed).map((r) => r.repeat);
  const repeats = s.repeats.length > 1 && failed.length ? ` · failed ${repeatsText({ repeats: failed, of: s.repeats.length })}` : '';
  return `${s.passed ? '✓' : '✗'} ${held}/${s.steps.length} steps in ${latency(s.msSpread)}${repeats}`;
}

/** The one line under the title saying how the figures were measured. */
export function measuredLine(results: VariantResult[]): string {
  const repeats = results[0]?.repeats ?? 1;
  const warm = results.some((r) => r.warmup) ? ', after one warm-up run whose figures were discarded' : '';
  return `Every scenario ran ${repeats === 1 ? 'once' : `${repeats} times`} per variant on one booted system${warm}. Latencies are what the client waited: the median over n samples and the spread as p5–p95 (which is min–max below 20 samples).`;
}

/** The run as Markdown: (with more than one variant) a link to decision.md, what did not hold first, then the outcome per scenario and variant, then per client action its latency and what it caused, then the order saga's lifecycle. */
export function summaryMarkdown(results: VariantResult[], meta: { broker: string; date: string }): string {
  const scenarios = results[0]?.scenarios.map((s) => s.name) ?? [];
  const outcome = table(
    ['scenario', ...results.map((r) => r.variant)],
    scenarios.map((name) => [name, ...results.map((r) => mdCell(outcomeCell(r.scenarios.find((x) => x.name === name)!)))]),
  );
  const kinds = [...new Set(results.flatMap((r) => r.actions.map((a) => a.kind)))];
  const actions = table(
    ['client action', ...results.map((r) => `${r.variant}: median (n, p5–p95) · http · msg`)],
    kinds.map((kind) => [
      mdCell(kind),
      ...results.map((r) => {
        const a = r.actions.find((x) => x.kind === kind);
        return a ? `${latency(a.latencyMs)} · ${a.http} · ${a.messages}` : '–';
      }),
    ]),
  );
  const failures = failuresOf(results).flatMap((f) => [
    `- **${mdCell(failureWhere(f))}**${f.of > 1 ? ` — ${repeatsText(f)}` : ''}`,
    `  - expected: ${f.expected}`,
    `  - seen: ${f.seen || '–'}`,
    `  - problems: ${f.problems.join('; ')}`,
  ]);
  const ranking = results.length > 1
    ? KEY_ACTIONS.flatMap((kind) => {
        const rows = standings(results, kind);
        const note = mixedPathsNote(results, kind);
        return rows.length ? [`- **${kind}**: ${rankingLine(rows, (n) => n.toFixed(1))} ms — ${rankingVerdict(rows)}${note ? ` (${note})` : ''}`] : [];
      })
    : [];
  return [
    `# orderctl run — ${results.every((r) => r.passed) ? 'all expectations held' : 'some expectations did not hold'}`,
    '',
    ...(results.length > 1 ? ['**Which style for what:** [the decision page](decision.html) ([decision.md](decision.md)) ranks the styles over the clean scenarios, like with like, and says why where it does not.', ''] : []),
    ...(failures.length ? ['## What did not hold', '', ...failures, ''] : []),
    `${meta.date} · broker: ${meta.broker} · variants: ${results.map((r) => `${r.variant} (${ms(r.ms)})`).join(', ')}`,
    '',
    measuredLine(results),
    '',
    '## Scenarios',
    '',
    outcome,
    '',
    '## Per client action',
    '',
    'Median latency seen by the client (n samples, p5–p95) · synchronous HTTP calls · broker messages the action caused (counted from the recording). Invariant checks are not client actions and are left out.',
    '',
    actions,
    '',
    ...(ranking.length ? ['## Side by side', '', `${RANKING_LEGEND}.`, '', ...ranking, ''] : []),
    ...sagaMarkdown(),
  ].join('\n');
}
