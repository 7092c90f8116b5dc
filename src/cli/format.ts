import chalk from 'chalk';
import { ms } from '../report/text.js';
import type { ScenarioResult, StepResult } from '../scenarios/runner.js';
import type { ActionStats } from '../scenarios/summary.js';
import type { VariantResult } from '../system/run-variants.js';

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - visible(s).length));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - visible(s).length)) + s;
// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

export function formatStep(step: StepResult): string {
  const mark = step.passed ? chalk.green('✓') : chalk.red('✗');
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const what = step.passed ? chalk.dim(clip(step.seen || step.expected, 70)) : chalk.red(`${step.problems.join('; ')} (expected ${step.expected})`);
  const tries = step.attempts > 1 ? chalk.dim(` ×${step.attempts}`) : '';
  const caused = chalk.cyan(`${padStart(String(step.http), 3)} http ${padStart(String(step.messages), 3)} msg`);
  return `  ${mark} ${padStart(String(step.index), 2)}  ${pad(clip(step.title, 46), 46)} ${padStart(ms(step.ms), 9)}${pad(tries, 5)} ${caused}  ${what}`;
}

export function formatScenarioHeader(variant: string, name: string, title: string): string {
  return `\n${chalk.bold(`${variant} › ${name}`)} ${chalk.dim(`— ${title}`)}`;
}

export function formatScenarioEnd(result: ScenarioResult): string {
  const passed = result.steps.filter((s) => s.passed).length;
  const line = `${passed}/${result.steps.length} steps held in ${ms(result.ms)}`;
  return `  ${result.passed ? chalk.green(line) : chalk.red(line)}`;
}

/** Per kind of client action: count, latency and what it caused inside. */
export function formatActions(actions: ActionStats[]): string {
  const head = `  ${pad('client action', 22)}${padStart('count', 7)}${padStart('p50', 11)}${padStart('p95', 11)}${padStart('http calls', 12)}${padStart('messages', 10)}`;
  const rows = actions.map(
    (a) => `  ${pad(a.kind, 22)}${padStart(String(a.count), 7)}${padStart(ms(a.p50Ms), 11)}${padStart(ms(a.p95Ms), 11)}${padStart(String(a.http), 12)}${padStart(String(a.messages), 10)}`,
  );
  return [chalk.dim(head), ...rows].join('\n');
}

export function formatVariantEnd(result: VariantResult): string {
  const passed = result.scenarios.filter((s) => s.passed).length;
  const verdict = `${passed}/${result.scenarios.length} scenarios passed`;
  return `\n${chalk.bold(result.variant)}: ${result.passed ? chalk.green(verdict) : chalk.red(verdict)} in ${ms(result.ms)}\n${formatActions(result.actions)}`;
}

const KEY_ACTIONS = ['register', 'deposit', 'order', 'order → 422'];

/** The side-by-side table of `--variant=all`. */
export function formatComparison(results: VariantResult[]): string {
  const cell = (r: VariantResult, kind: string) => {
    const a = r.actions.find((x) => x.kind === kind);
    return a ? `${ms(a.p50Ms)} · ${a.http} http · ${a.messages} msg` : '-';
  };
  const widths = [20, 10, 9, ...KEY_ACTIONS.map(() => 28)];
  const header = ['variant', 'scenarios', 'time', ...KEY_ACTIONS.map((k) => k)];
  const rows = results.map((r) => [
    r.variant,
    `${r.scenarios.filter((s) => s.passed).length}/${r.scenarios.length}`,
    ms(r.ms),
    ...KEY_ACTIONS.map((k) => cell(r, k)),
  ]);
  const line = (cells: string[]) => `  ${cells.map((c, i) => pad(c, widths[i])).join(' ')}`.trimEnd();
  return ['', `${chalk.bold('Side by side')} ${chalk.dim('(per client action: p50 latency · HTTP calls · broker messages it caused)')}`, chalk.dim(line(header)), ...rows.map(line)].join('\n');
}
