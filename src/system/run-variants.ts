import { performance } from 'node:perf_hooks';
import { ApiClient, type ClientAction } from '../scenarios/api-client.js';
import { checkFlows } from '../scenarios/flow-check.js';
import { countHops, runScenario, type ScenarioResult, type StepResult } from '../scenarios/runner.js';
import type { Scenario } from '../scenarios/scenario-schema.js';
import { latencySpread, summariseActions, type ActionStats, type HopCounts, type LatencySpread } from '../scenarios/summary.js';
import type { Variant } from '../variants/variant.js';
import type { BootOptions, RunningSystem } from './boot.js';
import { launchSystem, type Placement } from './launch.js';

/** How often to run the scenarios: `repeat` measured times, after one discarded warm-up run when `warmup`. */
export interface RunPlan {
  repeat: number;
  warmup: boolean;
}

/** Which run of a scenario this is: `repeat` 1…`of`, or 0 for the discarded warm-up. */
export interface RepeatInfo {
  repeat: number;
  of: number;
}

/** A step that did not hold, without its traces. */
export type FailedStep = Omit<StepResult, 'traceIds'>;

/** How one repeat of a scenario went. */
export interface RepeatOutcome {
  repeat: number;
  passed: boolean;
  ms: number;
  failed: FailedStep[];
}

/** A scenario over every repeat: passed only if every repeat passed; `steps` (and the diagrams) come from repeat `stepsFrom`. */
export interface ScenarioOutcome extends ScenarioResult {
  /** Median time of the scenario over its repeats. */
  ms: number;
  /** The scenario's time over its repeats (n = repeats). */
  msSpread: LatencySpread;
  /** The repeat the steps are from: the last that failed, else the last. */
  stepsFrom: number;
  repeats: RepeatOutcome[];
}

/** How every scenario went on one variant. */
export interface VariantResult {
  variant: string;
  passed: boolean;
  /** Wall time of the variant: boot, warm-up and every repeat. */
  ms: number;
  /** Measured repeats of every scenario. */
  repeats: number;
  /** Whether a warm-up run came first (its figures discarded), and whether it held. */
  warmup?: { passed: boolean; ms: number };
  scenarios: ScenarioOutcome[];
  actions: ActionStats[];
}

/** What a caller may want to hear while variants run. */
export interface RunListener {
  variantStarted?(variant: Variant): void;
  systemBooted?(system: RunningSystem): void;
  scenarioStarted?(variant: Variant, scenario: Scenario, run: RepeatInfo): void;
  stepFinished?(variant: Variant, step: StepResult, run: RepeatInfo): void;
  /** A step ran (its line comes once the scenario settled). */
  progress?(done: number, total: number): void;
  /** One run (a repeat, or the warm-up) of a scenario is over. */
  repeatFinished?(variant: Variant, result: ScenarioResult, run: RepeatInfo): void;
  /** Every repeat of a scenario is over. */
  scenarioFinished?(variant: Variant, outcome: ScenarioOutcome): void;
  /** The warm-up run of every scenario is over (its figures are discarded). */
  warmupFinished?(variant: Variant, results: ScenarioResult[]): void;
  /** The system is closed by now; its recorder still holds every hop; `actions` are the measured client actions (no warm-up). */
  variantFinished?(result: VariantResult, system: RunningSystem, actions: ClientAction[]): void;
}

const failedSteps = (result: ScenarioResult): FailedStep[] => result.steps.filter((s) => !s.passed).map(({ traceIds: _t, ...step }) => step);

/** One scenario's repeats folded into one outcome. */
export function scenarioOutcome(runs: ScenarioResult[]): ScenarioOutcome {
  const repeats = runs.map((r, i) => ({ repeat: i + 1, passed: r.passed, ms: r.ms, failed: failedSteps(r) }));
  const lastFailed = repeats.filter((r) => !r.passed).at(-1)?.repeat;
  const stepsFrom = lastFailed ?? runs.length;
  const msSpread = latencySpread(runs.map((r) => r.ms));
  const shown = runs[stepsFrom - 1];
  return { name: shown.name, title: shown.title, passed: runs.every((r) => r.passed), ms: msSpread.median, msSpread, stepsFrom, repeats, steps: shown.steps };
}

/**
 * Boots each variant once, runs every scenario on it (once discarded first with `warmup`, then `repeat`
 * times in a row on the same running system), and shuts it down again.
 */
export async function runVariants(
  variants: Variant[],
  scenarios: Scenario[],
  boot: Omit<BootOptions, 'variant' | 'transport'> & { dataDirFor?: (variant: Variant) => string | undefined; placement?: Placement },
  listener: RunListener = {},
  plan: RunPlan = { repeat: 1, warmup: false },
): Promise<VariantResult[]> {
  const results: VariantResult[] = [];
  for (const variant of variants) {
    listener.variantStarted?.(variant);
    const started = performance.now();
    const { dataDirFor, placement, ...options } = boot;
    const system = await launchSystem(variant, placement ?? {}, { ...options, dataDir: dataDirFor?.(variant) });
    listener.systemBooted?.(system);
    let result: VariantResult;
    let measured: ClientAction[];
    try {
      const api = new ApiClient(system.gatewayUrl);
      // Each action's hops are counted once its scenario settled: a long run's recorder may drop the oldest later.
      const counted = new Map<string, HopCounts>();
      const once = async (scenario: Scenario, run: RepeatInfo) => {
        listener.scenarioStarted?.(variant, scenario, run);
        const before = api.actions.length;
        const outcome = await runScenario(system, scenario, {
          api,
          onStep: (step) => listener.stepFinished?.(variant, step, run),
          onProgress: listener.progress,
          check: (steps) => checkFlows(variant, scenario.reference, steps, system.recorder),
        });
        for (const action of api.actions.slice(before)) counted.set(action.traceId, countHops(system.recorder, [action.traceId]));
        listener.repeatFinished?.(variant, outcome, run);
        return outcome;
      };
      let warmup: VariantResult['warmup'];
      if (plan.warmup) {
        const warmStart = performance.now();
        const warm: ScenarioResult[] = [];
        for (const scenario of scenarios) warm.push(await once(scenario, { repeat: 0, of: plan.repeat }));
        warmup = { passed: warm.every((s) => s.passed), ms: performance.now() - warmStart };
        listener.warmupFinished?.(variant, warm);
      }
      const firstMeasured = api.actions.length;
      const done: ScenarioOutcome[] = [];
      for (const scenario of scenarios) {
        const runs: ScenarioResult[] = [];
        for (let repeat = 1; repeat <= plan.repeat; repeat++) runs.push(await once(scenario, { repeat, of: plan.repeat }));
        const outcome = scenarioOutcome(runs);
        done.push(outcome);
        listener.scenarioFinished?.(variant, outcome);
      }
      measured = api.actions.slice(firstMeasured);
      result = {
        variant: variant.name,
        passed: done.every((s) => s.passed),
        ms: performance.now() - started,
        repeats: plan.repeat,
        ...(warmup ? { warmup } : {}),
        scenarios: done,
        actions: summariseActions(measured, system.recorder, counted),
      };
    } finally {
      await system.close();
    }
    results.push(result);
    listener.variantFinished?.(result, system, measured);
  }
  return results;
}
