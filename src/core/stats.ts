/** A figure measured `n` times: its median and its spread (the smallest and largest value seen). */
export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
}

/** The value at percentile `p` (0–100) of an ascending list, nearest-rank; 0 for an empty list. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median of any list (the mean of the middle two for an even count); 0 for an empty list. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** n, median, min and max of repeated measurements of one figure. */
export function spreadOf(values: number[]): Spread {
  if (values.length === 0) return { n: 0, median: 0, min: 0, max: 0 };
  return { n: values.length, median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** True when the two ranges [min, max] overlap: the difference between the medians is within the spread of the repeats. */
export function overlaps(a: Spread, b: Spread): boolean {
  return a.min <= b.max && b.min <= a.max;
}

/** `412 (n=3, 398–430)`: a repeated figure for people; one measurement shows as `412 (n=1)`. */
export function formatSpread(s: Spread, format: (n: number) => string = (n) => String(Math.round(n))): string {
  if (s.n <= 1) return `${format(s.median)} (n=${s.n})`;
  return `${format(s.median)} (n=${s.n}, ${format(s.min)}–${format(s.max)})`;
}
