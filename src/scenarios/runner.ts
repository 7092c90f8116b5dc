import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseDuration, sleep } from '../core/duration.js';
import type { Recorder } from '../tracing/recorder.js';
import type { RunningSystem } from '../system/boot.js';
import { ApiClient } from './api-client.js';
import { check, describe, expectationFor } from './expectations.js';
import { FaultRun, type FaultArgs } from '../faults/fault-run.js';
import { inFileNames, type RunContext } from './run-context.js';
import { stepTraitsOf, type Scenario, type Step } from './scenario-schema.js';
import { steps } from './steps.js';

/** How one step went. */
export interface StepResult {
  index: number;
  action: string;
  title: string;
  expected: string;
  seen: string;
  passed: boolean;
  problems: string[];
  /** Client-observed time of the step, until its expectation held (or gave up). */
  ms: number;
  attempts: number;
  /** Synchronous HTTP calls and broker messages the step caused (from the recording). */
  http: number;
  messages: number;
  traceIds: string[];
}

/** How one scenario went on one variant. */
export interface ScenarioResult {
  name: string;
  title: string;
  passed: boolean;
  ms: number;
  steps: StepResult[];
}

const RETRY_MS = 20;

/** Counts what the traces recorded: HTTP exchanges and messages published. */
export function countHops(recorder: Recorder, traceIds: string[]): { http: number; messages: number } {
  let http = 0;
  let messages = 0;
  for (const id of traceIds) {
    for (const hop of recorder.trace(id)) {
      if (hop.kind === 'http') http++;
      else if (hop.kind === 'publish') messages++;
    }
  }
  return { http, messages };
}

/** A step `only` some styles take, skipped on this one: passed, with why. */
function skipped(ctx: RunContext, step: Step, index: number): StepResult | undefined {
  if (!step.only || step.only.some((name) => name === ctx.variant || ctx.traits.includes(name))) return undefined;
  const seen = `skipped: only on ${step.only.join(', ')}`;
  return { index, action: step.action, title: steps[step.action].title(step.args), expected: seen, seen, passed: true, problems: [], ms: 0, attempts: 0, http: 0, messages: 0, traceIds: [] };
}

/** Runs one step: its action (again and again while `eventually` allows), checked against the variant's expectation. Hop counts are filled in later. */
export async function runStep(ctx: RunContext, step: Step, index: number): Promise<StepResult> {
  const skip = skipped(ctx, step, index);
  if (skip) return skip;
  if (step.action === 'together') return together(ctx, step, index);
  const { perform, title } = steps[step.action];
  const expectation = expectationFor(step.expect, step.except, ctx.variant, ctx.traits);
  const deadline = step.eventually === undefined ? 0 : performance.now() + parseDuration(step.eventually);
  const firstAction = ctx.api.actions.length;
  const stepStart = performance.now();
  let attempts = 0;
  let problems: string[] = [];
  let seen: Record<string, unknown> = {};
  let summary: string | undefined;
  for (;;) {
    attempts++;
    try {
      // What the system answered, in the names the file uses for its own items and cities.
      const outcome = inFileNames(ctx, await perform(ctx, step.args));
      ({ problems, seen } = check(expectation, outcome.status, outcome.body, outcome.ms));
      problems.push(...(outcome.problems ?? []));
      summary = outcome.summary;
      if (!summary && Object.keys(seen).length === 0) seen = { answer: outcome.status };
    } catch (error) {
      problems = [inFileNames(ctx, (error as Error).message)];
    }
    if (problems.length === 0 || performance.now() >= deadline) break;
    await sleep(RETRY_MS);
  }
  const ms = performance.now() - stepStart;
  await ctx.faults?.steady();
  return {
    index,
    action: step.action,
    title: title(step.args),
    expected: describe(expectation),
    seen: [describe(seen), summary].filter(Boolean).join(' · '),
    passed: problems.length === 0,
    problems,
    ms,
    attempts,
    http: 0,
    messages: 0,
    traceIds: ctx.api.actions.slice(firstAction).map((a) => a.traceId),
  };
}

/** Sends a `together` step's parts at the same instant, each as a step of its own; it holds when each holds. */
async function together(ctx: RunContext, step: Step, index: number): Promise<StepResult> {
  const parts = step.args as Step[];
  const results = await Promise.all(parts.map((part) => runStep(ctx, part, index)));
  return {
    index,
    action: step.action,
    title: steps.together.title(parts),
    expected: results.map((r) => r.expected).join(' | '),
    seen: results.map((r) => r.seen).join(' | '),
    passed: results.every((r) => r.passed),
    problems: results.flatMap((r) => r.problems.map((p) => `${r.title}: ${p}`)),
    ms: Math.max(...results.map((r) => r.ms)),
    attempts: results.reduce((n, r) => n + r.attempts, 0),
    http: 0,
    messages: 0,
    traceIds: results.flatMap((r) => r.traceIds),
  };
}

/** A fresh context for running steps against a system. */
export const runContext = (system: RunningSystem, api = new ApiClient(system.gatewayUrl)): RunContext => ({
  api,
  variant: system.variant.name,
  traits: stepTraitsOf(system.variant),
  runId: randomBytes(4).toString('hex'),
  users: new Map(),
  orders: new Map(),
  tokens: system.tokens,
  crowds: 0,
  urls: system.urls,
  operatorHeaders: (service) => system.operatorHeaders(service),
  faults: new FaultRun(system),
  recovery: system.recovery,
});

/**
 * Takes off every fault the steps of `ctx` put on (also after a step failed), so the next scenario finds
 * the system healthy; a crash step whose crash never happened fails, and so does the last step when a
 * fault could not be taken off.
 */
export async function endFaults(ctx: RunContext, ran: { step: Step; result: StepResult }[]): Promise<void> {
  if (!ctx.faults) return;
  const { unfired, problems } = await ctx.faults.end();
  for (const { service, at } of unfired) {
    for (const { step, result } of ran) {
      const fault = step.action === 'crash' ? (step.args as FaultArgs).action : undefined;
      if (fault?.kind !== 'fault' || fault.fault.kind !== 'crash' || fault.fault.service !== service || fault.fault.at !== at || result.attempts === 0) continue;
      result.passed = false;
      result.problems.push(`the crash never happened: no later step made ${service} reach ${at}`);
    }
  }
  const last = ran.at(-1)?.result;
  if (last && problems.length) {
    last.passed = false;
    last.problems.push(...problems);
  }
}

/** Runs one scenario against a running system; `onStep` hears of each step once the system settled and its hops are counted. */
export async function runScenario(
  system: RunningSystem,
  scenario: Scenario,
  options: { api?: ApiClient; onStep?: (step: StepResult) => void; onProgress?: (done: number, total: number) => void; /** Checks the settled steps further (may fail some) before they are reported. */ check?: (steps: StepResult[]) => void } = {},
): Promise<ScenarioResult> {
  const ctx = runContext(system, options.api);
  const started = performance.now();
  const results: StepResult[] = [];

  // Steps are numbered as in the file: the `setup` step a scenario's catalog and zones become is step 0.
  const first = scenario.steps[0]?.action === 'setup' ? 0 : 1;
  if (scenario.capacity) await system.setCapacity(scenario.capacity);
  try {
    for (const [index, step] of scenario.steps.entries()) {
      results.push(await runStep(ctx, step, index + first));
      options.onProgress?.(index + 1, scenario.steps.length);
    }
  } finally {
    if (scenario.capacity) await system.setCapacity(undefined);
    await endFaults(
      ctx,
      results.map((result, i) => ({ step: scenario.steps[i], result })),
    );
  }

  await system.settle();
  for (const result of results) Object.assign(result, countHops(system.recorder, result.traceIds));
  options.check?.(results);
  for (const result of results) options.onStep?.(result);
  return { name: scenario.name, title: scenario.title, passed: results.every((r) => r.passed), ms: performance.now() - started, steps: results };
}
