/** How a claim fared on one style: it holds, it does not, it holds only as far as some of its parts, or it could not be judged. */
export type VerdictKind = 'holds' | 'does-not-hold' | 'holds-only-when' | 'not-judged';

const KIND_WORDS: Record<VerdictKind, string> = { holds: 'holds', 'does-not-hold': 'does not hold', 'holds-only-when': 'holds only in part', 'not-judged': 'not judged' };
/** A verdict's kind in words. */
export const kindWords = (verdict: { kind: VerdictKind }) => KIND_WORDS[verdict.kind];

/** A verdict and why, in words that quote the figures. */
export interface Verdict {
  kind: VerdictKind;
  text: string;
}

/** The figures of one style a rule reads: medians over the repeats, and the samples each rests on per repeat. */
export interface StyleFigures {
  style: string;
  traits: string[];
  figures: Record<string, number>;
  samples: Record<string, number>;
}

/** What a rule is applied to: the style judged, the other styles of the run (for comparisons), and the run's conditions. */
export interface RuleInput {
  own: StyleFigures;
  others: StyleFigures[];
  settings: { slowMs: number; latencySteps: number[] };
}

/** One part of a claim: what must be true (with its threshold, in words), how it is tested, and the figure it quotes. */
export interface Condition {
  says: string;
  /** True, false, or undefined when its figures were not measured. */
  test(input: RuleInput): boolean | undefined;
  shows(input: RuleInput): string;
}

/** How parts combine into a verdict, as the report states it. */
export const COMBINING =
  'A claim holds on a style when every part of its rule is met there, does not hold when no part is met, and holds only in part (only as far as the parts met) otherwise; a part whose figures were not measured is not tried: it is named, and a claim with some parts met and others not tried holds only in part. A claim none of whose parts could be tried is not judged.';

/** The verdict of some parts: all true holds, all false does not hold, a mix holds only as far as the true ones; the text says which part met its threshold and which did not. */
export function combine(parts: { says: string; ok: boolean | undefined; shows: string }[]): Verdict {
  const list = (ps: { says: string; shows: string }[]) => ps.map((p) => `${p.says} (${p.shows})`).join('; ');
  const yes = parts.filter((p) => p.ok === true);
  const no = parts.filter((p) => p.ok === false);
  const untried = parts.filter((p) => p.ok === undefined);
  const text = [yes.length ? `met: ${list(yes)}` : '', no.length ? `not met: ${list(no)}` : '', untried.length ? `not tried: ${untried.map((p) => p.says).join('; ')}` : ''].filter(Boolean).join('. ');
  if (!yes.length && !no.length) return { kind: 'not-judged', text };
  if (!no.length) return { kind: untried.length ? 'holds-only-when' : 'holds', text };
  return { kind: yes.length ? 'holds-only-when' : 'does-not-hold', text };
}

/** Applies conditions to an input. */
export const judgeConditions = (conditions: Condition[], input: RuleInput): Verdict => combine(conditions.map((c) => ({ says: c.says, ok: c.test(input), shows: c.shows(input) })));
