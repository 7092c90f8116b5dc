import fc from 'fast-check';
import { stringify } from 'yaml';
import { messageTypes } from '../faults/message-types.js';
import { scenarioDiagrams, type ActionDiagram } from '../diagrams/scenario-diagrams.js';
import { ApiClient, type HistoryEntry } from '../scenarios/api-client.js';
import { parseScenario } from '../scenarios/load.js';
import { runScenario, type ScenarioResult } from '../scenarios/runner.js';
import type { RunningSystem } from '../system/boot.js';
import { usesBroker, type Variant } from '../variants/variant.js';
import { scenarioDoc } from './scenario-doc.js';
import { countOps, workloadArbitrary, type Workload } from './workload.js';

/** A broken rule found, shrunk and tried again from its seed. */
export interface ExploreFailure {
  seed: number;
  /** With the seed, replays the shrunk case in fast-check (`path`). */
  path: string;
  /** What did not hold, each naming its rule or the step. */
  problems: string[];
  /** The shrunk case as a scenario file `orderctl run` replays. */
  yaml: string;
  fileName: string;
  /** How many actions and faults the case had when found, and once shrunk. */
  found: { actions: number; faults: number };
  shrunk: { actions: number; faults: number };
  shrinks: number;
  /** Of the replays of the shrunk case, how many failed again. */
  reproduced: { failed: number; of: number };
  /** What the client saw in the last replay (ms from its start), the checks' own reads left out. */
  history: { at: number; kind: string; request: string; status: number; order?: string }[];
  /** The sequence diagram of each action of the last replay. */
  diagrams: ActionDiagram[];
}

/** What exploring one style found. */
export interface StyleExploration {
  variant: string;
  seed: number;
  runs: number;
  actions: number;
  faults: number;
  ms: number;
  failure?: ExploreFailure;
}

/** How to explore one style. */
export interface ExploreOptions {
  seed: number;
  runs: number;
  /** Runs this many smaller cases at most while shrinking, for at most `shrinkMs` (each takes from a fraction of a second to the checks' wait). */
  shrinkBudget?: number;
  shrinkMs?: number;
  /** How often a shrunk failure is replayed before it is reported. */
  replays?: number;
  /** Replays a stored case first (seed and path of an earlier failure). */
  path?: string;
  /** Stops drawing new runs after this long. */
  timeLimitMs?: number;
  /** At most this many actions and faults per run (12 unless told). */
  maxOps?: number;
  onRun?: (run: { index: number; passed: boolean; actions: number; faults: number; shrinking: boolean }) => void;
}

const UNFIRED = 'the crash never happened';

/** A run's problems that count: a crash a drawn workload never reached is not the system's fault. */
export const problemsOf = (result: ScenarioResult): string[] =>
  result.steps.filter((s) => !s.passed).flatMap((s) => s.problems.filter((p) => !p.startsWith(UNFIRED)).map((p) => `step ${s.index} (${s.title}): ${p}`));

/** The client's history for people: when, what, the answer, and the order it showed. */
function historyLines(history: readonly HistoryEntry[]): ExploreFailure['history'] {
  const start = history[0]?.startedAt ?? 0;
  return history
    .filter((h) => h.kind !== 'check')
    .map((h) => {
      const order = h.body?.status && h.body?.id ? `${String(h.body.id).slice(0, 8)} ${h.body.status}` : h.body?.order?.status ? `${String(h.body.order.id).slice(0, 8)} ${h.body.order.status}` : undefined;
      return { at: Math.round(h.endedAt - start), kind: h.kind, request: `${h.method} ${h.path}${h.key ? ` (key ${h.key})` : ''}`, status: h.status, ...(order ? { order } : {}) };
    });
}

/** The steps of the file (numbered from 1) whose crash never happened. */
const unfiredCrashes = (result: ScenarioResult): Set<number> => new Set(result.steps.filter((s) => s.problems.some((p) => p.startsWith(UNFIRED))).map((s) => s.index));

/** The scenario a workload is, for this style, parsed as `run` would parse its file. */
export const scenarioOf = (variant: Variant, w: Workload, seed: number) => {
  const fileName = `explore-${variant.name}-${seed}.yaml`;
  const doc = scenarioDoc(w, `explore ${variant.name}, seed ${seed}`);
  return { fileName, doc, scenario: parseScenario(fileName, doc) };
};

/**
 * Explores one style on a running system: `runs` workloads drawn from the seed, each run as a scenario and
 * checked; the first that breaks a rule is shrunk (fewer customers, actions and faults, shorter faults)
 * while it still breaks one, then replayed from its file before it is reported.
 */
export async function exploreStyle(system: RunningSystem, options: ExploreOptions): Promise<StyleExploration> {
  const variant = system.variant;
  const started = performance.now();
  const vocabulary = { messages: usesBroker(variant) ? messageTypes(variant) : [], broker: usesBroker(variant) };
  let index = 0;
  let ran = 0;
  let failedOnce = false;
  let shrinkRuns = 0;
  let actions = 0;
  let faults = 0;
  let last: { workload: Workload; problems: string[] } | undefined;
  let first: Workload | undefined;
  const budget = options.shrinkBudget ?? 150;
  let shrinkUntil = Infinity;
  const drawUntil = options.timeLimitMs ? performance.now() + options.timeLimitMs : Infinity;
  const property = fc.asyncProperty(workloadArbitrary(vocabulary, options.maxOps), async (workload) => {
    // Past the budget, a smaller case counts as passing: fast-check keeps the smallest failing one it has.
    if (failedOnce && (++shrinkRuns > budget || performance.now() > shrinkUntil)) return true;
    // Past the time given, or once a stored case replayed and held, no more runs are drawn (each run is let finish).
    if (!failedOnce && (performance.now() > drawUntil || (options.path && ran > 0))) return true;
    const counts = countOps(workload);
    if (!failedOnce) ((actions += counts.actions), (faults += counts.faults), (ran += 1));
    let problems: string[];
    try {
      problems = problemsOf(await runScenario(system, scenarioOf(variant, workload, options.seed).scenario));
    } catch (error) {
      // A run that could not be carried out is a failure to report, never a pass.
      problems = [`the run could not be carried out: ${(error as Error).message}`];
    }
    options.onRun?.({ index: ++index, passed: problems.length === 0, ...counts, shrinking: failedOnce });
    if (problems.length === 0) return true;
    if (!failedOnce) ((first = workload), (shrinkUntil = performance.now() + (options.shrinkMs ?? 180_000)));
    failedOnce = true;
    last = { workload, problems };
    return false;
  });
  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: options.runs,
    ...(options.path ? { path: options.path } : {}),
  });
  const base = { variant: variant.name, seed: options.seed, runs: ran, actions, faults };
  if (!details.failed || !details.counterexample || !last) return { ...base, ms: performance.now() - started };
  const shrunk = details.counterexample[0];
  const { fileName, doc, scenario } = scenarioOf(variant, shrunk, options.seed);
  // Found once is not yet found: the shrunk case is run again from its file, and each replay that fails counts.
  const replays = options.replays ?? 2;
  let failed = 0;
  // The smallest failing case is the last one that failed: its problems are the ones to report, unless a replay says otherwise.
  let problems = last.problems;
  let unfired: Set<number> | undefined;
  let api = new ApiClient(system.gatewayUrl);
  let replayed: ScenarioResult | undefined;
  for (let i = 0; i < replays; i++) {
    api = new ApiClient(system.gatewayUrl);
    const result = (replayed = await runScenario(system, scenario, { api }).catch((error: Error) => {
      throw new Error(`replaying the shrunk case failed to run: ${error.message}`);
    }));
    const again = problemsOf(result);
    if (again.length) failed += 1;
    // A crash that fired in no replay did nothing: the file leaves it out, so that `run` does not fail on it.
    const now = unfiredCrashes(result);
    unfired = unfired ? new Set([...unfired].filter((n) => now.has(n))) : now;
  }
  const steps = (doc.steps as unknown[]).filter((_, i) => !unfired?.has(i + 1));
  return {
    ...base,
    ms: performance.now() - started,
    failure: {
      seed: options.seed,
      path: details.counterexamplePath ?? '',
      problems,
      yaml: stringify({ ...doc, steps }, { lineWidth: 0, aliasDuplicateObjects: false }),
      fileName,
      found: countOps(first ?? shrunk),
      shrunk: countOps(shrunk),
      shrinks: details.numShrinks,
      reproduced: { failed, of: replays },
      history: historyLines(api.history),
      diagrams: replayed ? scenarioDiagrams(replayed, system.recorder, {}, api.actions) : [],
    },
  };
}
