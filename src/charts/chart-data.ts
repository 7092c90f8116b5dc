/** One figure of a chart: its median and, when measured more than once, its spread; `n` is how many measurements. */
export interface ChartPoint {
  /** Where along the x axis: a category name, or a number for line charts. */
  x: string | number;
  /** Which series (a legend entry, or a line). */
  series: string;
  median: number;
  min: number;
  max: number;
  n: number;
}

/** What every chart says about itself: a title, what its axes measure (with units), and a line on how to read it. */
export interface ChartText {
  title: string;
  subtitle: string | string[];
  xTitle: string;
  yTitle: string;
}

/** True when some figure was measured more than once, so whiskers have something to show. */
export const hasSpread = (points: ChartPoint[]) => points.some((p) => p.n > 1);

/** `412`, `41.2`, `4.12`: a figure short enough to print on a chart. */
export const shortNumber = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
