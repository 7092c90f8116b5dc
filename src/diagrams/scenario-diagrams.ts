import type { ScenarioResult } from '../scenarios/runner.js';
import type { Recorder } from '../tracing/recorder.js';
import { sequenceDiagram, type DiagramOptions } from './sequence-diagram.js';

/** The diagram of one client action: where it goes, what it shows. */
export interface ActionDiagram {
  /** `05-order`: step number and action. */
  name: string;
  title: string;
  mermaid: string;
}

/** Steps that are not one client action: load and invariant checks. */
const NOT_DRAWN = new Set(['crowd', 'check']);

/** One diagram per client action of a scenario run, drawn from its last attempt's trace. */
export function scenarioDiagrams(result: ScenarioResult, recorder: Recorder, options: DiagramOptions = {}): ActionDiagram[] {
  return result.steps
    .filter((step) => !NOT_DRAWN.has(step.action) && step.traceIds.length > 0)
    .map((step) => ({
      name: `${String(step.index).padStart(2, '0')}-${step.action}`,
      title: step.title,
      mermaid: sequenceDiagram(recorder.trace(step.traceIds[step.traceIds.length - 1]), options),
    }));
}
