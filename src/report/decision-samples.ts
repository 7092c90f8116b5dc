import { isFaultAction } from '../faults/fault-steps.js';
import type { ClientAction } from '../scenarios/api-client.js';
import type { VariantResult } from '../system/run-variants.js';
import type { Hop, Recorder } from '../tracing/recorder.js';

/** The rows the decision page compares, each one path through the system: like is compared with like. */
export const DECISION_ROWS = ['register', 'deposit', 'order', 'order refused', 'order with items', 'order with items cancelled'] as const;
/** One of the decision page's rows. */
export type DecisionRowKey = (typeof DECISION_ROWS)[number];

/** What one client action of a run became, read from its recorded trace. */
export interface ActionSample {
  scenario: string;
  kind: string;
  /** Its row on the decision page; undefined when it is not one of the compared actions (reads, other refusals, the crowd). */
  row?: DecisionRowKey;
  status: number;
  /** Client latency until the first answer. */
  answerMs: number;
  /** Answered 202: accepted, the outcome comes later. */
  pending: boolean;
  /** Until the outcome was known: the answer itself, or for a 202 until the order settled (else until the action's last hop). */
  outcomeMs?: number;
  /** The order's last state in its trace (`succeeded`, `failed`, `delivering`, `cancelled`), if it reached one. */
  ended?: string;
  /** Until its notification was stored. */
  notifiedMs?: number;
  http: number;
  messages: number;
}

const STATE = /^order (\S+) → (\S+)$/;
const ENDED_BY_STATUS: Record<number, string> = { 201: 'succeeded', 422: 'failed' };

function rowOf(kind: string, status: number, saga: boolean, ended: string | undefined): DecisionRowKey | undefined {
  const ok = status >= 200 && status < 300;
  if (kind === 'register' || kind === 'deposit') return ok ? kind : undefined;
  if (kind !== 'order' || !(ok || status === 422)) return undefined;
  const refused = ended === 'failed' || ended === 'cancelled' || status === 422;
  if (saga) return refused ? 'order with items cancelled' : 'order with items';
  return refused ? 'order refused' : 'order';
}

/**
 * Reads one action's trace: when its order settled (a 202 is known only then; without a recorded state change, when
 * the trace's last hop ended), when its notification was stored, what it caused. Times run from the client's request:
 * its own latency plus, from the recording, how long after the gateway's answer the event came.
 */
export function sampleOf(action: ClientAction, trace: Hop[], scenario: string): ActionSample {
  const root = trace.find((h) => h.kind === 'http' && h.from === 'Client');
  const states = trace.filter((h) => h.kind === 'local' && STATE.test(h.label)).sort((a, b) => a.end - b.end);
  const last = states.at(-1);
  const ended = last ? STATE.exec(last.label)![2] : ENDED_BY_STATUS[action.status];
  const saga = trace.some((h) => h.kind === 'local' && h.label === 'order created');
  const pending = action.status === 202;
  const after = (h: Hop | undefined) => (root && h ? action.ms + (h.end - root.end) : undefined);
  const quiet = trace.reduce<Hop | undefined>((a, h) => (!a || h.end > a.end ? h : a), undefined);
  const settledAt = after(last ?? quiet);
  const notified = trace.find((h) => h.kind === 'local' && h.label.startsWith('notification stored'));
  return {
    scenario,
    kind: action.kind,
    row: rowOf(action.kind, action.status, saga, ended),
    status: action.status,
    answerMs: action.ms,
    pending,
    ...(pending ? (settledAt === undefined ? {} : { outcomeMs: Math.max(action.ms, settledAt) }) : { outcomeMs: action.ms }),
    ...(ended ? { ended } : {}),
    ...(notified ? { notifiedMs: after(notified)! } : {}),
    http: trace.filter((h) => h.kind === 'http').length,
    messages: trace.filter((h) => h.kind === 'publish').length,
  };
}

/** Which scenario each trace belongs to, from the steps of the repeat each scenario's steps are kept from. */
export const scenarioOfSteps = (result: VariantResult): Map<string, string> =>
  new Map(result.scenarios.flatMap((s) => s.steps.flatMap((step) => step.traceIds.map((t) => [t, s.name] as const))));

/** Every measured client action of one style, as samples; `scenarioOf` names each trace's scenario (an unnamed one is left out). */
export function samplesOf(actions: ClientAction[], recorder: Recorder, scenarioOf: Map<string, string>): ActionSample[] {
  return actions.flatMap((a) => {
    const scenario = scenarioOf.get(a.traceId);
    return scenario ? [sampleOf(a, recorder.trace(a.traceId), scenario)] : [];
  });
}

/** The scenarios that put a fault on (a fault step that ran, on any style): ranked apart from the clean ones. */
export function faultScenarios(results: VariantResult[]): Set<string> {
  return new Set(results.flatMap((r) => r.scenarios.filter((s) => s.steps.some((step) => isFaultAction(step.action) && step.attempts > 0)).map((s) => s.name)));
}
