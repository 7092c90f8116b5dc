import type { Recorder } from '../tracing/recorder.js';
import type { ClientAction } from './api-client.js';
import { countHops } from './runner.js';

/** Per kind of client action: how many, how fast, and what each one caused inside the system. */
export interface ActionStats {
  kind: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  /** Mean synchronous HTTP calls per action, the client's own included. */
  http: number;
  /** Mean broker messages published per action. */
  messages: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `order`, or `order → 422` for an answer that refused: a refusal takes another path and is counted apart. */
const kindOf = (a: ClientAction) => (a.status >= 400 ? `${a.kind} → ${a.status}` : a.kind);

/** Rows in reading order: single actions, then refusals, then checks, then the crowd's load. */
const group = (kind: string) => (kind.startsWith('crowd') ? 3 : kind.startsWith('check') ? 2 : kind.includes('→') ? 1 : 0);

/** Summarises the client's actions by kind: grouped, and in the order the kinds first appeared within a group. */
export function summariseActions(actions: ClientAction[], recorder: Recorder): ActionStats[] {
  const kinds = [...new Set(actions.map(kindOf))].sort((a, b) => group(a) - group(b));
  return kinds.map((kind) => {
    const mine = actions.filter((a) => kindOf(a) === kind);
    const ms = mine.map((a) => a.ms).sort((a, b) => a - b);
    const { http, messages } = countHops(recorder, mine.map((a) => a.traceId));
    return { kind, count: mine.length, p50Ms: round(percentile(ms, 50)), p95Ms: round(percentile(ms, 95)), http: round(http / mine.length), messages: round(messages / mine.length) };
  });
}
