import type { Spread } from '../core/stats.js';

/** `3.2 ms`, `1.25 s`: a duration for people. */
export const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);

/** `1.9–52.4 ms`: the spread (min–max) of a latency. */
export const range = (s: Spread) => (s.max < 1000 ? `${s.min.toFixed(1)}–${ms(s.max)}` : `${ms(s.min)}–${ms(s.max)}`);

/** `2.3 ms (n=4, 1.9–52.4 ms)`: a median latency with its sample count and spread; `2.3 ms (n=1)` for one sample. */
export const latency = (s: Spread) => (s.n <= 1 ? `${ms(s.median)} (n=${s.n})` : `${ms(s.median)} (n=${s.n}, ${range(s)})`);

/** Text made safe inside HTML. */
export const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A Markdown table. */
export function markdownTable(head: string[], rows: (string | number)[][]): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

/** Text made safe inside a Markdown table cell. */
export const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
