import { formatSpread, overlaps, spreadOf, type Spread } from '../core/stats.js';
import type { BenchReport, BenchRun } from './bench-report-schema.js';
import { ratioSpread } from './summaries.js';

/** A neutral comparison of two figures, in plain words. */
export interface Comparison {
  topic: string;
  text: string;
  /** a / b, repeat by repeat. */
  ratio?: Spread;
  /** Whether the two spreads overlap; null when either was measured once (no spread to judge by). */
  withinSpread: boolean | null;
}

/** `http`, `hybrid (RabbitMQ)` or `hybrid (RabbitMQ, PostgreSQL)`: a run as the report names it. */
export const runName = (r: Pick<BenchRun, 'variant' | 'broker'> & { store?: BenchRun['store'] }) => {
  const where = [r.broker === 'rabbitmq' ? 'RabbitMQ' : '', r.store === 'postgres' ? 'PostgreSQL' : ''].filter(Boolean);
  return `${r.variant}${where.length ? ` (${where.join(', ')})` : ''}`;
};

const x = (s: Spread) => (s.n > 1 ? `${s.median.toFixed(2)}× (n=${s.n}, ${s.min.toFixed(2)}–${s.max.toFixed(2)})` : `${s.median.toFixed(2)}× (n=${s.n})`);
const num = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** Says how figure `a` (of `aName`) relates to `b`, given their repeats: within each other's spread, or which is higher by how much. */
export function compare(topic: string, aName: string, a: number[], bName: string, b: number[], unit: string): Comparison {
  const sa = spreadOf(a);
  const sb = spreadOf(b);
  const ratio = ratioSpread(a, b);
  const figures = `${aName} ${formatSpread(sa, num)} ${unit}, ${bName} ${formatSpread(sb, num)} ${unit}`;
  if (sa.n <= 1 || sb.n <= 1) {
    return { topic, ratio, withinSpread: null, text: `${aName} vs ${bName}: ${x(ratio)}; one measurement each, so no spread to judge a difference by (use --repeat 3 or more): ${figures}` };
  }
  if (overlaps(sa, sb)) {
    // Measured round by round, the pairs may still all lean one way: say so, without calling it a difference.
    const paired = ratio.n > 1 && (ratio.max < 1 || ratio.min > 1) ? `; paired round by round, ${aName} was ${ratio.max < 1 ? 'lower' : 'higher'} in each of the ${ratio.n} rounds (ratio ${x(ratio)})` : '';
    return { topic, ratio, withinSpread: true, text: `${aName} and ${bName}: within each other's spread (n=${Math.min(sa.n, sb.n)}), no difference shown: ${figures}${paired}` };
  }
  const word = sa.median > sb.median ? 'higher' : 'lower';
  return { topic, ratio, withinSpread: false, text: `${aName} ${word} than ${bName}: ${x(ratio)}, the spreads do not overlap: ${figures}` };
}

/**
 * The comparisons a reader needs, without verdicts: the runs in order of accepted orders/s and of client p99
 * (each next to the one after it), each event variant over RabbitMQ against the in-process broker, PostgreSQL against
 * SQLite, the completed orders/s of a style that answers orders later against the all-REST style's accepted, and the
 * recorder's cost (tracing on against off).
 */
export function compareRuns(report: Pick<BenchReport, 'runs'>): Comparison[] {
  const out: Comparison[] = [];
  const accepted = (r: BenchRun) => r.repeats.map((x) => x.load.acceptedPerSecond);
  const p99 = (r: BenchRun) => r.repeats.map((x) => x.load.latencyMs.p99);
  const byAccepted = [...report.runs].sort((a, b) => b.summary.load.acceptedPerSecond.median - a.summary.load.acceptedPerSecond.median);
  for (let i = 0; i + 1 < byAccepted.length; i++) out.push(compare('accepted orders/s', runName(byAccepted[i]), accepted(byAccepted[i]), runName(byAccepted[i + 1]), accepted(byAccepted[i + 1]), 'orders/s'));
  const byP99 = [...report.runs].sort((a, b) => a.summary.load.p99.median - b.summary.load.p99.median);
  for (let i = 0; i + 1 < byP99.length; i++) out.push(compare('client p99 latency', runName(byP99[i]), p99(byP99[i]), runName(byP99[i + 1]), p99(byP99[i + 1]), 'ms p99'));
  for (const rabbit of report.runs.filter((r) => r.broker === 'rabbitmq')) {
    const local = report.runs.find((r) => r.variant === rabbit.variant && r.broker === 'in-process' && r.store === rabbit.store);
    if (local) out.push(compare('RabbitMQ against the in-process broker', runName(rabbit), accepted(rabbit), runName(local), accepted(local), 'orders/s'));
  }
  for (const postgres of report.runs.filter((r) => r.store === 'postgres')) {
    const sqlite = report.runs.find((r) => r.variant === postgres.variant && r.broker === postgres.broker && r.store === 'sqlite');
    if (sqlite) out.push(compare('PostgreSQL against SQLite', runName(postgres), accepted(postgres), runName(sqlite), accepted(sqlite), 'orders/s'));
  }
  // A style that answers orders later is compared by the orders it completed with the all-REST style's answered ones.
  const rest = report.runs.find((r) => r.traits.includes('all-rest') && r.store === 'sqlite');
  for (const later of report.runs.filter((r) => r.traits.includes('answers-orders-later') && r.broker === 'in-process' && r.store === 'sqlite')) {
    if (!rest || !later.repeats.every((x) => x.sut.orders)) continue;
    out.push(compare(`${later.variant} completed against ${rest.variant} accepted`, `${later.variant} completed`, later.repeats.map((x) => x.sut.orders!.completedPerSecond), `${rest.variant} accepted`, accepted(rest), 'orders/s'));
  }
  for (const run of report.runs) out.push(compare('tracing on against off', `${runName(run)} tracing on`, accepted(run), 'tracing off', run.repeats.map((x) => x.tracingOff.acceptedPerSecond), 'orders/s'));
  return out;
}
