import type { ClientAction } from '../scenarios/api-client.js';
import type { ScenarioResult, StepResult } from '../scenarios/runner.js';
import type { Recorder } from '../tracing/recorder.js';
import { sequenceDiagram, type DiagramOptions } from './sequence-diagram.js';

/** The diagram of one client action: where it goes, what it shows. */
export interface ActionDiagram {
  /** `05-order`: step number and action. */
  name: string;
  /** The step number in its scenario. */
  index: number;
  title: string;
  mermaid: string;
  /** What the picture stands for when it is not simply the step's one action (a crowd's representative order). */
  note?: string;
}

/** One request of a crowd with its client latency. */
interface Sample {
  traceId: string;
  ms: number;
  status?: number;
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);

/** The crowd's orders with their client latency: from the client's own measurements, else from the recorded Client → gateway hop. */
function crowdOrders(step: StepResult, recorder: Recorder, actions?: ClientAction[]): { samples: Sample[]; measured: string } {
  const inStep = new Set(step.traceIds);
  if (actions) {
    const samples = actions.filter((a) => inStep.has(a.traceId) && a.kind === 'crowd order').map((a) => ({ traceId: a.traceId, ms: a.ms, status: a.status }));
    return { samples, measured: 'client latency' };
  }
  const samples = step.traceIds.flatMap((traceId) => {
    const root = recorder.trace(traceId).find((h) => h.from === 'Client' && h.kind === 'http');
    return root && root.label.startsWith('POST') && root.label.endsWith('/ordering/orders') ? [{ traceId, ms: root.end - root.start, status: root.status }] : [];
  });
  return { samples, measured: "the gateway's recorded time" };
}

/** A crowd step drawn as one representative order: the median of the crowd's orders by latency. */
function crowdDiagram(step: StepResult, recorder: Recorder, options: DiagramOptions, actions?: ClientAction[]): ActionDiagram[] {
  const { samples, measured } = crowdOrders(step, recorder, actions);
  if (samples.length === 0) return [];
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return [
    {
      name: `${String(step.index).padStart(2, '0')}-crowd-order`,
      index: step.index,
      title: step.title,
      mermaid: sequenceDiagram(recorder.trace(median.traceId), options),
      note: `one representative order of ${samples.length}: the median by ${measured} (${ms(median.ms)}${median.status ? `, answered ${median.status}` : ''})`,
    },
  ];
}

/**
 * One diagram per client action of a scenario run, drawn from its last attempt's trace; a crowd or race step is drawn
 * as its median order (by the client's latency when `actions` are given); invariant checks are not drawn.
 */
export function scenarioDiagrams(result: ScenarioResult, recorder: Recorder, options: DiagramOptions = {}, actions?: ClientAction[]): ActionDiagram[] {
  return result.steps
    .filter((step) => step.action !== 'check' && step.traceIds.length > 0)
    .flatMap((step) =>
      // A race's orders are a crowd's: drawn as the median one.
      step.action === 'crowd' || step.action === 'race'
        ? crowdDiagram(step, recorder, options, actions)
        : [
            {
              name: `${String(step.index).padStart(2, '0')}-${step.action}`,
              index: step.index,
              title: step.title,
              mermaid: sequenceDiagram(recorder.trace(step.traceIds[step.traceIds.length - 1]), options),
            },
          ],
    );
}
