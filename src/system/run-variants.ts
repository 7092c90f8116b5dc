import { performance } from 'node:perf_hooks';
import { ApiClient } from '../scenarios/api-client.js';
import { runScenario, type ScenarioResult, type StepResult } from '../scenarios/runner.js';
import type { Scenario } from '../scenarios/scenario-schema.js';
import { summariseActions, type ActionStats } from '../scenarios/summary.js';
import type { Transport } from '../broker/transport.js';
import type { Variant } from '../variants/variant.js';
import { bootSystem, type BootOptions, type RunningSystem } from './boot.js';

/** How every scenario went on one variant. */
export interface VariantResult {
  variant: string;
  passed: boolean;
  ms: number;
  scenarios: ScenarioResult[];
  actions: ActionStats[];
}

/** What a caller may want to hear while variants run. */
export interface RunListener {
  variantStarted?(variant: Variant): void;
  systemBooted?(system: RunningSystem): void;
  scenarioStarted?(variant: Variant, scenario: Scenario): void;
  stepFinished?(variant: Variant, step: StepResult): void;
  /** A step ran (its line comes once the scenario settled). */
  progress?(done: number, total: number): void;
  scenarioFinished?(variant: Variant, result: ScenarioResult): void;
  /** The system is closed by now; its recorder still holds every hop. */
  variantFinished?(result: VariantResult, system: RunningSystem): void;
}

/** Boots each variant in turn, runs the scenarios against it, and shuts it down again. */
export async function runVariants(
  variants: Variant[],
  scenarios: Scenario[],
  boot: Omit<BootOptions, 'variant' | 'transport'> & { dataDirFor?: (variant: Variant) => string | undefined; openTransport?: () => Promise<Transport> },
  listener: RunListener = {},
): Promise<VariantResult[]> {
  const results: VariantResult[] = [];
  for (const variant of variants) {
    listener.variantStarted?.(variant);
    const started = performance.now();
    const system = await bootSystem({ ...boot, variant, dataDir: boot.dataDirFor?.(variant), transport: await boot.openTransport?.() });
    listener.systemBooted?.(system);
    let result: VariantResult;
    try {
      const api = new ApiClient(system.gatewayUrl);
      const done: ScenarioResult[] = [];
      for (const scenario of scenarios) {
        listener.scenarioStarted?.(variant, scenario);
        const outcome = await runScenario(system, scenario, { api, onStep: (step) => listener.stepFinished?.(variant, step), onProgress: listener.progress });
        done.push(outcome);
        listener.scenarioFinished?.(variant, outcome);
      }
      result = { variant: variant.name, passed: done.every((s) => s.passed), ms: performance.now() - started, scenarios: done, actions: summariseActions(api.actions, system.recorder) };
    } finally {
      await system.close();
    }
    results.push(result);
    listener.variantFinished?.(result, system);
  }
  return results;
}
