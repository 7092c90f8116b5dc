import type { Recorder } from '../tracing/recorder.js';
import type { FlowItem, Variant } from '../variants/variant.js';
import { sequenceDiagram } from '../diagrams/sequence-diagram.js';
import type { StepResult } from './runner.js';

/** The arrows of a Mermaid sequence diagram in reference-flow notation (requests and messages; answers and notes left out). */
export function diagramArrows(mermaid: string): string[] {
  const arrows: string[] = [];
  for (const line of mermaid.split('\n')) {
    const match = /^\s*(\w+)(->>|-\)|-x)(\w+): (.*?)(?: \(.*\))?$/.exec(line);
    if (!match) continue;
    const [, from, arrow, to, label] = match;
    if (arrow === '->>') arrows.push(`${from} => ${to} ${label}`);
    else if (to === 'Broker') arrows.push(`${from} ~> Broker ${label}`);
    else arrows.push(`Broker ~~ ${to} ${label}`);
  }
  return arrows;
}

/**
 * Lays the expected flow out in the order the recording shows, wherever concurrency allows it;
 * the result equals `recorded` exactly when the recording follows the flow.
 */
export function arrange(expected: FlowItem[], recorded: string[]): string[] {
  const out: string[] = [];
  for (const item of expected) {
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const all = item.par.flat();
    const window = recorded.slice(out.length, out.length + all.length);
    const consistent = item.par.every((branch) => window.filter((h) => branch.includes(h)).join('\n') === branch.join('\n'));
    out.push(...(consistent && window.length === all.length ? window : all));
  }
  return out;
}

/** Where a recorded action departs from its reference flow: the first hop that differs, in words; undefined when it follows it. */
export function flowMismatch(flow: FlowItem[], recorded: string[]): string | undefined {
  const expected = arrange(flow, recorded);
  const at = expected.findIndex((hop, i) => recorded[i] !== hop);
  if (at < 0 && recorded.length === expected.length) return undefined;
  if (at < 0) return `hop ${expected.length + 1} "${recorded[expected.length]}" is not in the flow`;
  return `hop ${at + 1}: expected "${expected[at]}", got ${recorded[at] === undefined ? 'nothing' : `"${recorded[at]}"`}`;
}

/**
 * Checks a reference scenario's first registration and first order against the style's `flows:`,
 * marking the step that departs from its flow as failed, with the hop. Nothing to check when the
 * style declares no flows or the scenario is not a reference one.
 */
export function checkFlows(variant: Variant, reference: boolean, steps: StepResult[], recorder: Recorder): void {
  if (!variant.flows || !reference) return;
  for (const [action, flow] of [
    ['register', variant.flows.registration],
    ['order', variant.flows.order],
  ] as const) {
    const step = steps.find((s) => s.action === action && s.traceIds.length > 0);
    if (!step) continue;
    const mismatch = flowMismatch(flow, diagramArrows(sequenceDiagram(recorder.trace(step.traceIds.at(-1)!))));
    if (!mismatch) continue;
    step.passed = false;
    step.problems.push(`flows.${action === 'register' ? 'registration' : 'order'}: ${mismatch}`);
  }
}
