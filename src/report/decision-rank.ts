import type { LatencySpread } from '../scenarios/summary.js';
import { rankingLine, rankingVerdict, standings, type Standing } from './ranking.js';

/** One style's figure in a row of the side by side. */
export interface DecisionCell {
  /** `12.3 ms`: the median, or a count. */
  text: string;
  /** `n=4, 10.1–15.0 ms`: what it rests on and its spread. */
  sub?: string;
  /** More on the figure: what it rests on, what was left out (a tooltip in HTML, a note in Markdown). */
  detail?: string;
  /** Its group when the row is ranked: 1 the fastest group; absent when the row is not ranked. */
  tier?: number;
}

/** One row of the side by side: one measure of one client action (or condition), per style, ranked or with why not. */
export interface DecisionRow {
  action: string;
  measure: string;
  cells: (DecisionCell | undefined)[];
  /** Ranked where every spread left of a `<` ends before the next begins. */
  ranked: boolean;
  /** The ranking in symbols (`hybrid 3.1 < http 9.0 ms`), or ''. */
  line: string;
  /** Why it is ranked as it is, or why it is not, in words. */
  why: string;
}

/** The styles compared, and the rows. */
export interface DecisionTable {
  styles: string[];
  rows: DecisionRow[];
}

/** `1` for the fastest group, then one more after each `<`; undefined for every row when nothing is ranked. */
export function tiersOf(rows: Standing[]): Map<string, number> | undefined {
  if (rows.length < 2 || rows.some((r) => r.versus === 'few') || rows.every((r) => r.versus !== 'slower')) return undefined;
  let tier = 1;
  return new Map(rows.map((r) => [r.variant, r.versus === 'slower' ? ++tier : tier]));
}

/** Ranks spreads of one measure with the run report's ranking (standings): the same `<`, `≈` and `?`, and its verdict in words. */
export function rankSpreads(styles: string[], spreads: (LatencySpread | undefined)[], format: (n: number) => string) {
  const results = styles.flatMap((variant, i) => (spreads[i] && spreads[i]!.n > 0 ? [{ variant, actions: [{ kind: 'x', n: spreads[i]!.n, latencyMs: spreads[i]!, http: 0, messages: 0 }] }] : []));
  const rows = standings(results, 'x');
  const tiers = tiersOf(rows);
  const missing = styles.filter((_, i) => !spreads[i] || spreads[i]!.n === 0);
  const few = rows.length > 1 && rows.some((r) => r.versus === 'overlaps') && rows.some((r) => r.latency.n < 20);
  const verdict = rows.length < 2 ? 'measured on fewer than two styles: nothing to rank' : `${rankingVerdict(rows)}${few ? ' (under 20 samples a spread is min–max; --repeat gives more)' : ''}`;
  return { line: rows.length > 1 ? rankingLine(rows, format) : '', verdict: missing.length && rows.length > 1 ? `${verdict}; not measured on ${missing.join(', ')}` : verdict, tiers };
}

/** How each style answered a row's actions: every answer final, every answer 202 (pending), or both. */
export type AnswerKind = 'final' | 'pending' | 'mixed';

/** Words for a first-answer row whose styles answer differently: a 202 is never ranked against a final answer. */
export function differentPaths(styles: string[], kinds: (AnswerKind | undefined)[]): string | undefined {
  const of = (k: AnswerKind) => styles.filter((_, i) => kinds[i] === k);
  const [pending, final, mixed] = [of('pending'), of('final'), of('mixed')];
  if (mixed.length === 0 && (pending.length === 0 || final.length === 0)) return undefined;
  const parts = [
    pending.length ? `${pending.join(', ')} answer${pending.length === 1 ? 's' : ''} 202 (accepted, outcome later)` : '',
    final.length ? `${final.join(', ')} with the outcome` : '',
    mixed.length ? `${mixed.join(', ')} both ways` : '',
  ].filter(Boolean);
  return `not ranked — different paths: ${parts.join('; ')}. A pending answer is not ranked against a final one: see "outcome known"`;
}

/** `n=4, 10.1–15.0 ms`, `n=3, each the same`, `n=1`: the samples and spread of a figure. */
export function spreadWords(s: LatencySpread, format: (n: number) => string, short: (n: number) => string = format): string {
  if (s.n <= 1) return `n=${s.n}`;
  return s.p5 === s.p95 ? `n=${s.n}, each the same` : `n=${s.n}, ${short(s.p5)}–${format(s.p95)}`;
}

/** A row of time spreads: ranked with standings unless `unranked` says why not; each cell shows its median, its spread and its group. */
export function timeRow(
  action: string,
  measure: string,
  styles: string[],
  spreads: (LatencySpread | undefined)[],
  format: (n: number) => string,
  options: { unranked?: string; details?: (string | undefined)[]; short?: (n: number) => string } = {},
): DecisionRow {
  const short = options.short ?? ((n: number) => n.toFixed(1));
  const ranking = rankSpreads(styles, spreads, short);
  const tiers = options.unranked ? undefined : ranking.tiers;
  const cells = styles.map((style, i) => {
    const s = spreads[i];
    if (!s || s.n === 0) return undefined;
    const detail = options.details?.[i];
    return { text: format(s.median), sub: spreadWords(s, format, short), ...(detail ? { detail } : {}), ...(tiers?.has(style) ? { tier: tiers.get(style)! } : {}) };
  });
  if (options.unranked) return { action, measure, cells, ranked: false, line: '', why: options.unranked };
  return { action, measure, cells, ranked: tiers !== undefined, line: ranking.line, why: ranking.verdict };
}

/** A row shown for reading, never ranked (counts, shares): `why` says what it is. */
export const plainRow = (action: string, measure: string, cells: (DecisionCell | undefined)[], why: string): DecisionRow => ({ action, measure, cells, ranked: false, line: '', why });
