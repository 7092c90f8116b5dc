import type { LatencySpread } from '../scenarios/summary.js';

/** `3.2 ms`, `1.25 s`: a duration for people. */
export const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);

/** `1.9–52.4 ms`: the spread of a latency, p5–p95 (min–max below 20 samples). */
export const range = (s: LatencySpread) => (s.p95 < 1000 ? `${s.p5.toFixed(1)}–${ms(s.p95)}` : `${ms(s.p5)}–${ms(s.p95)}`);

/** `2.3 ms (n=4, 1.9–52.4 ms)`: a median latency with its sample count and spread (p5–p95); `2.3 ms (n=1)` for one sample. */
export const latency = (s: LatencySpread) => (s.n <= 1 ? `${ms(s.median)} (n=${s.n})` : `${ms(s.median)} (n=${s.n}, ${range(s)})`);

/** How the spread is given, for legends. */
export const SPREAD_IS = 'spread: p5–p95 of the samples, which is min–max below 20 samples';

/** Text made safe inside HTML. */
export const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A Markdown table. */
export function markdownTable(head: string[], rows: (string | number)[][]): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

/** Text made safe inside a Markdown table cell. */
export const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
