import { percentile, spreadOf, type Spread } from '../core/stats.js';
import type { Recorder } from '../tracing/recorder.js';
import type { ClientAction } from './api-client.js';
import { countHops } from './runner.js';

export { percentile } from '../core/stats.js';

/** A latency measured n times: median, min and max, and the spread shown and compared, p5–p95 (the same as min–max below 20 samples). */
export interface LatencySpread extends Spread {
  p5: number;
  p95: number;
}

/** Per kind of client action: how many were measured, how fast, and what each one caused inside the system. */
export interface ActionStats {
  kind: string;
  /** Samples: how many actions of this kind were measured (over every repeat). */
  n: number;
  /** Client-observed latency in ms over the n samples: median, min, max, p5 and p95. */
  latencyMs: LatencySpread;
  /** Mean synchronous HTTP calls per action, the client's own included. */
  http: number;
  /** Mean broker messages published per action. */
  messages: number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `order`, or `order → 422` for an answer that refused: a refusal takes another path and is counted apart. */
const kindOf = (a: ClientAction) => (a.status >= 400 ? `${a.kind} → ${a.status}` : a.kind);

/** The internal reads of a `check` step (invariants): not client actions anyone waits for, so not timed here. */
export const isCheck = (a: ClientAction) => a.kind === 'check' || a.kind.startsWith('check ');

/** Rows in reading order: single actions, then refusals, then the crowd's load. */
const group = (kind: string) => (kind.startsWith('crowd') ? 2 : kind.includes('→') ? 1 : 0);

/** The latency spread of some samples, rounded to 0.1 ms. */
export function latencySpread(samples: number[]): LatencySpread {
  const s = spreadOf(samples);
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: s.n, median: round(s.median), min: round(s.min), max: round(s.max), p5: round(percentile(sorted, 5)), p95: round(percentile(sorted, 95)) };
}

/** HTTP calls and messages of one trace. */
export type HopCounts = { http: number; messages: number };

/**
 * Summarises the client's actions by kind (checks left out): grouped, and in the order the kinds first appeared within a group.
 * `counted` holds hop counts taken earlier (before a long run's recorder dropped its oldest hops); other traces are counted now.
 */
export function summariseActions(actions: ClientAction[], recorder: Recorder, counted: Map<string, HopCounts> = new Map()): ActionStats[] {
  const timed = actions.filter((a) => !isCheck(a));
  const kinds = [...new Set(timed.map(kindOf))].sort((a, b) => group(a) - group(b));
  return kinds.map((kind) => {
    const mine = timed.filter((a) => kindOf(a) === kind);
    const each = mine.map((a) => counted.get(a.traceId) ?? countHops(recorder, [a.traceId]));
    const http = each.reduce((sum, c) => sum + c.http, 0);
    const messages = each.reduce((sum, c) => sum + c.messages, 0);
    return { kind, n: mine.length, latencyMs: latencySpread(mine.map((a) => a.ms)), http: round(http / mine.length), messages: round(messages / mine.length) };
  });
}
