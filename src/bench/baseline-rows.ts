import type { Spread } from '../core/stats.js';
import type { BenchReport, BenchRun, LoadSummary } from './bench-report-schema.js';
import { runName } from './comparisons.js';

/** One figure of a row, and which way is better. */
export interface RowFigure {
  figure: string;
  better: 'higher' | 'lower';
  spread: Spread;
}

/** Something measured under one load shape (a style in one placement, a load step, a hello-world): what it is, how it was loaded, its figures. */
export interface BenchRow {
  /** Same key, same thing measured (style, broker, store, placement, rate). */
  key: string;
  name: string;
  /** How it was loaded, in words per aspect: rows are compared only when every aspect is the same. */
  shape: Record<string, string>;
  figures: RowFigure[];
}

const higher = (figure: string, spread: Spread | undefined): RowFigure[] => (spread ? [{ figure, better: 'higher', spread }] : []);
const lower = (figure: string, spread: Spread | undefined): RowFigure[] => (spread ? [{ figure, better: 'lower', spread }] : []);
const answers = (s: LoadSummary): RowFigure[] => [...lower('first answer p50 ms', s.p50), ...lower('first answer p99 ms', s.p99)];

/** The load every main run (and the floor, and each --processes run) had. */
function mainShape(s: BenchReport['settings']): Record<string, string> {
  return {
    load: s.rate ? `open loop at ${s.rate} orders/s` : `closed loop, ${s.connections} connections`,
    ...(s.rate ? { 'in flight at most': String(s.maxInFlight) } : {}),
    duration: `${s.durationSeconds} s`,
    'warm-up': `${s.warmupSeconds} s`,
    customers: String(s.users),
    capacity: s.capacity ?? 'as fast as the machine',
  };
}

const timing = (s: BenchReport['settings']) => ({ duration: `${s.durationSeconds} s`, 'warm-up': `${s.warmupSeconds} s` });
const where = (r: Pick<BenchRun, 'variant' | 'broker' | 'store'>) => `${r.variant}|${r.broker}|${r.store ?? 'sqlite'}`;

/** The figures of one main run: rates, the first answer, the outcome, inside the system, the saga. */
function runFigures(r: BenchRun): RowFigure[] {
  const s = r.summary;
  return [
    ...higher('accepted orders/s', s.load.acceptedPerSecond),
    ...higher('completed orders/s', s.completedPerSecond),
    ...higher('× the floor', r.ratios.toFloor),
    ...higher('× the expert reference', r.ratios.toReference),
    ...lower('CPU ms per order', r.cpuMsPerOrder),
    ...answers(s.load),
    ...lower('outcome known p50 ms', s.outcome?.outcomeP50),
    ...lower('outcome known p99 ms', s.outcome?.outcomeP99),
    ...lower('to final p50 ms', s.toFinalP50),
    ...lower('to final p99 ms', s.toFinalP99),
    ...lower('to notification p50 ms', s.toNotificationP50),
    ...lower('to notification p99 ms', s.toNotificationP99),
    ...lower('saga to delivering p50 ms', s.saga?.toDeliveringP50),
    ...lower('saga to cancelled p50 ms', s.saga?.toCancelledP50),
  ];
}

/** Every row of a report that can be set against the same row of another: main runs, half loads, load steps, --processes runs and the baselines. */
export function benchRows(report: BenchReport): BenchRow[] {
  const s = report.settings;
  const rows: BenchRow[] = [];
  const { expressHello, nodeHttpHello, floor, reference } = report.baselines;
  const hello = { load: `closed loop, ${s.connections} connections`, ...timing(s) };
  rows.push({ key: 'express-hello', name: 'express hello-world', shape: hello, figures: higher('requests/s', expressHello.summary.answeredPerSecond) });
  rows.push({ key: 'node-http-hello', name: 'node:http hello-world', shape: hello, figures: higher('requests/s', nodeHttpHello.summary.answeredPerSecond) });
  if (floor) rows.push({ key: 'floor', name: 'the floor', shape: { ...mainShape(s), hops: String(floor.hops) }, figures: [...higher('requests/s', floor.summary.answeredPerSecond), ...lower('CPU ms per order', floor.cpuMsPerOrder)] });
  if (reference) rows.push({ key: 'reference', name: 'the expert reference', shape: { ...mainShape(s), hops: String(reference.hops) }, figures: [...higher('orders/s', reference.summary.answeredPerSecond), ...lower('CPU ms per order', reference.cpuMsPerOrder)] });
  for (const r of report.runs) {
    rows.push({ key: `run|${where(r)}`, name: runName(r), shape: mainShape(s), figures: runFigures(r) });
    const h = r.halfLoad;
    if (h) {
      const c = h.toClient;
      rows.push({
        key: `half|${where(r)}`,
        name: `${runName(r)} at half its saturation`,
        shape: { load: `open loop at ${h.rate} orders/s`, ...timing(s), customers: String(s.users), ...(c ? { 'polling every': `${c.pollEveryMs} ms` } : {}) },
        figures: [
          ...answers(h.summary),
          ...lower('to notification p50 ms', h.toNotificationP50),
          ...lower('to notification p99 ms', h.toNotificationP99),
          ...lower('outcome by push p50 ms', c?.pushP50),
          ...lower('outcome by push p99 ms', c?.pushP99),
          ...lower('outcome by polling p50 ms', c?.pollP50),
          ...lower('outcome by polling p99 ms', c?.pollP99),
        ],
      });
    }
    for (const step of r.steps ?? []) {
      rows.push({
        key: `step|${where(r)}|${step.rate}`,
        name: `${runName(r)} at ${step.rate} orders/s`,
        shape: { load: `open loop at ${step.rate} orders/s`, 'in flight at most': String(s.maxInFlight), ...timing(s), customers: String(s.users) },
        figures: [...higher('accepted orders/s', step.summary.acceptedPerSecond), ...answers(step.summary)],
      });
    }
  }
  for (const p of report.processes ?? []) {
    rows.push({
      key: `processes|${where(p)}|${p.billingReplicas}`,
      name: `${runName(p)}, one process per service, billing×${p.billingReplicas}`,
      shape: mainShape(s),
      figures: [...higher('accepted orders/s', p.summary.acceptedPerSecond), ...higher('× the floor', p.toFloor), ...higher('× the expert reference', p.toReference), ...answers(p.summary)],
    });
  }
  return rows;
}
