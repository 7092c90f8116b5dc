import type { LatencySpread } from '../scenarios/summary.js';
import type { VariantResult } from '../system/run-variants.js';

/** Fewer samples than this on any side and no order between variants is claimed. */
export const MIN_RANK_N = 3;

/** The client actions the side-by-side comparison shows. */
export const KEY_ACTIONS = ['register', 'deposit', 'order', 'order → 422'];

/** How a variant compares with the ones above it (faster medians) for one client action. */
export type Versus = 'first' | 'overlaps' | 'slower' | 'few';

/** One variant's place for one client action. */
export interface Standing {
  variant: string;
  latency: LatencySpread;
  http: number;
  messages: number;
  /**
   * `slower`: the spreads (p5–p95) of every variant above end before those of this one and all below it begin;
   * `overlaps`: the spreads overlap, so the order may flip from run to run; `few`: under MIN_RANK_N samples somewhere.
   */
  versus: Versus;
}

/** The variants that did `kind`, by median latency, each with whether it is truly slower than those above or within their spread. */
export function standings(results: Pick<VariantResult, 'variant' | 'actions'>[], kind: string): Standing[] {
  const rows = results
    .flatMap((r) => {
      const a = r.actions.find((x) => x.kind === kind);
      return a ? [{ variant: r.variant, latency: a.latencyMs, http: a.http, messages: a.messages }] : [];
    })
    .sort((a, b) => a.latency.median - b.latency.median);
  const few = rows.some((r) => r.latency.n < MIN_RANK_N);
  return rows.map((row, i) => {
    if (i === 0) return { ...row, versus: 'first' as const };
    if (few) return { ...row, versus: 'few' as const };
    const above = Math.max(...rows.slice(0, i).map((r) => r.latency.p95));
    const below = Math.min(...rows.slice(i).map((r) => r.latency.p5));
    return { ...row, versus: above < below ? ('slower' as const) : ('overlaps' as const) };
  });
}

const SIGN: Record<Versus, string> = { first: '', overlaps: ' ≈ ', slower: ' < ', few: ' ? ' };

/** `hybrid 1.8 ≈ event-collaboration 2.0 < http 3.2` (medians, ms). */
export function rankingLine(rows: Standing[], format: (n: number) => string): string {
  return rows.map((r) => `${SIGN[r.versus]}${r.variant} ${format(r.latency.median)}`).join('');
}

/** What the line says, in words. */
export function rankingVerdict(rows: Standing[]): string {
  if (rows.length < 2) return '';
  if (rows.some((r) => r.versus === 'few')) return `too few samples to rank (n < ${MIN_RANK_N}): run with --repeat`;
  if (rows.every((r) => r.versus !== 'slower')) return 'all within each other’s spread: no ranking';
  return rows.some((r) => r.versus === 'overlaps') ? 'ranked only where a < stands' : 'ranked: no spreads overlap';
}

/** The legend of a ranking line. */
export const RANKING_LEGEND = `medians in order; "<": every spread (p5–p95, which is min–max below 20 samples) on its left ends before every spread on its right begins; "≈": the spreads overlap, so the order between them may flip from run to run; "?": fewer than ${MIN_RANK_N} samples`;

/**
 * Where a variant answers what others refuse (hybrid answers a declined order 202), its row of `kind` holds
 * both paths: says so, or '' when every variant that did `kind` also has the refusal row.
 */
export function mixedPathsNote(results: VariantResult[], kind: string): string {
  const refusals = (r: VariantResult) => r.actions.filter((a) => a.kind.startsWith(`${kind} → `)).map((a) => a.kind);
  const refused = [...new Set(results.flatMap(refusals))];
  if (refused.length === 0) return '';
  const mixed = results.filter((r) => r.actions.some((a) => a.kind === kind) && refusals(r).length === 0).map((r) => r.variant);
  return mixed.length ? `${mixed.join(', ')} ${mixed.length === 1 ? 'has' : 'have'} no ${refused.join(' / ')} row: ${mixed.length === 1 ? 'its' : 'their'} refusals were answered like successes and are counted in ${kind}` : '';
}
