import type { Capacity } from '../system/capacity.js';
import chalk from 'chalk';
import { failuresOf, failureWhere, repeatsText } from '../report/failures.js';
import { KEY_ACTIONS, mixedPathsNote, RANKING_LEGEND, rankingLine, rankingVerdict, standings } from '../report/ranking.js';
import { latency, ms, range, SPREAD_IS } from '../report/text.js';
import type { ScenarioResult, StepResult } from '../scenarios/runner.js';
import type { ActionStats } from '../scenarios/summary.js';
import type { RepeatInfo, ScenarioOutcome, VariantResult } from '../system/run-variants.js';

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - visible(s).length));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - visible(s).length)) + s;
// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** One step's line: ✓/✗, number, title, the client's wait (one sample), what it caused, what was seen or what did not hold. */
export function formatStep(step: StepResult): string {
  const mark = step.passed ? chalk.green('✓') : chalk.red('✗');
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const what = step.passed ? chalk.dim(clip(step.seen || step.expected, 70)) : chalk.red(`${step.problems.join('; ')} (expected ${step.expected})`);
  const tries = step.attempts > 1 ? chalk.dim(` ×${step.attempts}`) : '';
  const caused = chalk.cyan(`${padStart(String(step.http), 3)} http ${padStart(String(step.messages), 3)} msg`);
  return `  ${mark} ${padStart(String(step.index), 2)}  ${pad(clip(step.title, 46), 46)} ${padStart(ms(step.ms), 9)}${pad(tries, 5)} ${caused}  ${what}`;
}

export function formatScenarioHeader(variant: string, name: string, title: string, capacity?: Capacity): string {
  const bounded = capacity && Object.keys(capacity).length ? `\n  ${chalk.dim(`capacity while it runs: ${Object.entries(capacity).map(([service, c]) => `${service} ${c.workers} worker${c.workers === 1 ? '' : 's'} × ${c.serviceTimeMs} ms`).join(', ')} per instance`)}` : '';
  return `\n${chalk.bold(`${variant} › ${name}`)} ${chalk.dim(`— ${title}`)}${bounded}`;
}

/** `10/10 steps held in 52.3 ms`, prefixed with `repeat 2/3:` when there are repeats. */
export function formatScenarioEnd(result: ScenarioResult, run: RepeatInfo = { repeat: 1, of: 1 }): string {
  const passed = result.steps.filter((s) => s.passed).length;
  const line = `${run.of > 1 ? `repeat ${run.repeat}/${run.of}: ` : ''}${passed}/${result.steps.length} steps held in ${ms(result.ms)}`;
  return `  ${result.passed ? chalk.green(line) : chalk.red(line)}`;
}

/** After several repeats of a scenario: how many held, and its time over the repeats. */
export function formatRepeatsEnd(outcome: ScenarioOutcome): string {
  const held = outcome.repeats.filter((r) => r.passed).length;
  const failed = outcome.repeats.filter((r) => !r.passed).map((r) => r.repeat);
  const line = `${held}/${outcome.repeats.length} repeats held${failed.length ? ` (failed: repeat ${failed.join(', ')})` : ''} · ${latency(outcome.msSpread)}`;
  return `  ${outcome.passed ? chalk.green(line) : chalk.red(line)}`;
}

/** Per kind of client action: samples, median latency and its spread (p5–p95), and what each action caused. */
export function formatActions(actions: ActionStats[]): string {
  const head = `  ${pad('client action', 22)}${padStart('n', 6)}${padStart('median', 11)}${padStart('p5–p95', 22)}${padStart('http calls', 12)}${padStart('messages', 10)}`;
  const rows = actions.map(
    (a) => `  ${pad(a.kind, 22)}${padStart(String(a.n), 6)}${padStart(ms(a.latencyMs.median), 11)}${padStart(a.n > 1 ? range(a.latencyMs) : '–', 22)}${padStart(String(a.http), 12)}${padStart(String(a.messages), 10)}`,
  );
  return [chalk.dim(head), ...rows, chalk.dim(`  (client latency over n samples; ${SPREAD_IS}; invariant checks are not client actions and are left out)`)].join('\n');
}

export function formatVariantEnd(result: VariantResult): string {
  const passed = result.scenarios.filter((s) => s.passed).length;
  const repeats = result.repeats > 1 ? ` in all ${result.repeats} repeats` : '';
  const verdict = `${passed}/${result.scenarios.length} scenarios passed${repeats}`;
  const warm = result.warmup ? chalk.dim(`, after a warm-up run (${result.warmup.passed ? 'held' : chalk.red('did not hold')}, figures discarded)`) : '';
  return `\n${chalk.bold(result.variant)}: ${result.passed ? chalk.green(verdict) : chalk.red(verdict)} in ${ms(result.ms)}${warm}\n${formatActions(result.actions)}`;
}

/** The side-by-side table of several variants: per key client action, the variants by median, and where the spreads allow no ranking. */
export function formatComparison(results: VariantResult[]): string {
  const out = ['', `${chalk.bold('Side by side')} ${chalk.dim('(per client action: median client latency (n samples, p5–p95) · HTTP calls · broker messages it caused)')}`];
  out.push(chalk.dim(`  ${pad('variant', 21)}${pad('scenarios', 11)}time`));
  for (const r of results) out.push(`  ${pad(r.variant, 21)}${pad(`${r.scenarios.filter((s) => s.passed).length}/${r.scenarios.length}`, 11)}${ms(r.ms)}`);
  for (const kind of KEY_ACTIONS) {
    const rows = standings(results, kind);
    if (rows.length === 0) continue;
    const note = mixedPathsNote(results, kind);
    out.push('', `  ${chalk.bold(kind)}: ${rankingLine(rows, (n) => n.toFixed(1))} ${chalk.dim(`ms — ${rankingVerdict(rows)}`)}${note ? `\n  ${chalk.dim(`(${note})`)}` : ''}`);
    for (const row of rows) out.push(`    ${pad(row.variant, 21)}${pad(latency(row.latency), 32)} · ${row.http} http · ${row.messages} msg`);
  }
  out.push('', chalk.dim(`  ${RANKING_LEGEND}`));
  return out.join('\n');
}

/** Every failing step of the run, once, with the repeats it failed in. */
export function formatFailures(results: VariantResult[]): string {
  const failures = failuresOf(results);
  if (failures.length === 0) return '';
  const lines = failures.map((f) => {
    const where = [failureWhere(f), repeatsText(f)].filter(Boolean).join(' ');
    return `  ${chalk.red('✗')} ${chalk.bold(where)}\n      expected: ${f.expected}\n      seen:     ${f.seen || '–'}\n      problems: ${chalk.red(f.problems.join('; '))}`;
  });
  return ['', chalk.red.bold('What did not hold'), ...lines].join('\n');
}

/** Columns padded to their widest cell, the head in bold: a table for a terminal. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(visible(h).length, ...rows.map((r) => visible(r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i])).join('  ').trimEnd();
  return [chalk.bold(line(head)), ...rows.map(line)].join('\n');
}
