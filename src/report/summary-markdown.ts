import type { VariantResult } from '../system/run-variants.js';
import { markdownTable as table, ms } from './text.js';


/** The run as Markdown: outcome per scenario and variant, then per client action its latency and what it caused. */
export function summaryMarkdown(results: VariantResult[], meta: { broker: string; date: string }): string {
  const scenarios = results[0]?.scenarios.map((s) => s.name) ?? [];
  const outcome = table(
    ['scenario', ...results.map((r) => r.variant)],
    scenarios.map((name) => [
      name,
      ...results.map((r) => {
        const s = r.scenarios.find((x) => x.name === name)!;
        const held = s.steps.filter((step) => step.passed).length;
        return `${s.passed ? '✓' : '✗'} ${held}/${s.steps.length} in ${ms(s.ms)}`;
      }),
    ]),
  );
  const kinds = [...new Set(results.flatMap((r) => r.actions.map((a) => a.kind)))];
  const actions = table(
    ['client action', ...results.map((r) => `${r.variant} (p50 · http · msg)`)],
    kinds.map((kind) => [
      kind,
      ...results.map((r) => {
        const a = r.actions.find((x) => x.kind === kind);
        return a ? `${ms(a.p50Ms)} · ${a.http} · ${a.messages}` : '–';
      }),
    ]),
  );
  const failures = results.flatMap((r) =>
    r.scenarios.flatMap((s) => s.steps.filter((step) => !step.passed).map((step) => `- ${r.variant} › ${s.name} › step ${step.index} ${step.title}: ${step.problems.join('; ')}`)),
  );
  return [
    `# orderctl run — ${results.every((r) => r.passed) ? 'all expectations held' : 'some expectations did not hold'}`,
    '',
    `${meta.date} · broker: ${meta.broker} · variants: ${results.map((r) => `${r.variant} (${ms(r.ms)})`).join(', ')}`,
    '',
    '## Scenarios',
    '',
    outcome,
    ...(failures.length ? ['', '### What did not hold', '', ...failures] : []),
    '',
    '## Per client action',
    '',
    'p50 latency seen by the client · synchronous HTTP calls · broker messages the action caused (counted from the recording).',
    '',
    actions,
    '',
  ].join('\n');
}
