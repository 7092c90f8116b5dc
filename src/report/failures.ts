import type { VariantResult } from '../system/run-variants.js';

/** One step that did not hold, with every repeat it failed in the same way. */
export interface Failure {
  variant: string;
  scenario: string;
  index: number;
  title: string;
  expected: string;
  seen: string;
  problems: string[];
  /** The repeats (1-based) it failed in, and how many repeats there were. */
  repeats: number[];
  of: number;
}

/** Every failing step of a run, in run order; the same failure in several repeats is listed once with its repeats. */
export function failuresOf(results: VariantResult[]): Failure[] {
  const found = new Map<string, Failure>();
  for (const r of results) {
    for (const s of r.scenarios) {
      for (const repeat of s.repeats) {
        for (const step of repeat.failed) {
          const key = JSON.stringify([r.variant, s.name, step.index, step.problems, step.seen]);
          const known = found.get(key);
          if (known) known.repeats.push(repeat.repeat);
          else found.set(key, { variant: r.variant, scenario: s.name, index: step.index, title: step.title, expected: step.expected, seen: step.seen, problems: step.problems, repeats: [repeat.repeat], of: s.repeats.length });
        }
      }
    }
  }
  return [...found.values()];
}

/** `in repeats 1 and 3 of 3`, or '' when there was one run. */
export function repeatsText(f: Pick<Failure, 'repeats' | 'of'>): string {
  if (f.of <= 1) return '';
  if (f.repeats.length === f.of) return `in every repeat (${f.of} of ${f.of})`;
  const list = f.repeats.length === 1 ? `${f.repeats[0]}` : `${f.repeats.slice(0, -1).join(', ')} and ${f.repeats.at(-1)}`;
  return `in repeat${f.repeats.length > 1 ? 's' : ''} ${list} of ${f.of}`;
}

/** `http › broken › step 1 register zoe`. */
export const failureWhere = (f: Failure) => `${f.variant} › ${f.scenario} › step ${f.index} ${f.title}`;
