import { overlaps, type Spread } from '../core/stats.js';
import type { BaselineComparison, BenchReport, FigureChange } from './bench-report-schema.js';
import { benchRows, type BenchRow } from './baseline-rows.js';

/** What one figure did against the baseline. */
export type Verdict = FigureChange['verdict'];

/**
 * Slower or faster only when the two spreads (min–max over the repeats) do not overlap; else no clear change.
 * A side measured once has no spread, so it gives no verdict either. `better` says which way is an improvement.
 */
export function verdictOf(baseline: Spread, current: Spread, better: 'higher' | 'lower'): { verdict: Verdict; why?: string } {
  if (baseline.n < 2 || current.n < 2) return { verdict: 'no clear change', why: `n=1 ${baseline.n < 2 && current.n < 2 ? 'in each run' : baseline.n < 2 ? 'in the baseline' : 'in this run'}` };
  if (overlaps(baseline, current)) return { verdict: 'no clear change' };
  const up = current.min > baseline.max;
  return { verdict: up === (better === 'higher') ? 'faster' : 'slower' };
}

/** How two shapes differ, in words (`duration 10 s in the baseline, 1 s now`); empty when they are the same. */
export function shapeDifferences(baseline: Record<string, string>, current: Record<string, string>): string[] {
  const aspects = [...new Set([...Object.keys(current), ...Object.keys(baseline)])];
  return aspects.filter((a) => baseline[a] !== current[a]).map((a) => `${a} ${baseline[a] ?? 'not set'} in the baseline, ${current[a] ?? 'not set'} now`);
}

/** The rows that measure the machine rather than a style: shown and noted, not counted. */
const CALIBRATION = ['express hello-world', 'node:http hello-world', 'the floor', 'the expert reference'];

const ratioOf = (baseline: Spread, current: Spread) => (baseline.median ? Math.round((current.median / baseline.median) * 1000) / 1000 : null);

/** The settings that differ between the two runs as a whole, and a different machine or Node, in plain words. */
function notesOn(current: BenchReport, baseline: BenchReport): string[] {
  const notes: string[] = [];
  const a = baseline.settings;
  const b = current.settings;
  const load = (s: BenchReport['settings']) => (s.rate ? `an open loop at ${s.rate} orders/s` : `a closed loop with ${s.connections} connections`);
  const differ = [
    ...(load(a) !== load(b) ? [`load: ${load(a)} in the baseline, ${load(b)} now`] : []),
    ...(a.durationSeconds !== b.durationSeconds ? [`duration: ${a.durationSeconds} s in the baseline, ${b.durationSeconds} s now`] : []),
    ...(a.warmupSeconds !== b.warmupSeconds ? [`warm-up: ${a.warmupSeconds} s in the baseline, ${b.warmupSeconds} s now`] : []),
    ...(a.users !== b.users ? [`customers: ${a.users} in the baseline, ${b.users} now`] : []),
  ];
  if (differ.length) notes.push(`The baseline was measured differently (${differ.join('; ')}): the rows loaded that way are not compared.`);
  const machine = (r: BenchReport) => `${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}`;
  if (machine(baseline) !== machine(current)) notes.push(`The baseline ran on ${machine(baseline)}; this run on ${machine(current)}: compared anyway, so read the hello-world rows for how the machines differ.`);
  return notes;
}

/**
 * This run against a stored one, like with like only: rows (a style on one broker and store, in one placement, under one load)
 * are matched by what they measured, and compared only when they were loaded the same way; each figure both hold is judged
 * by its spreads. Rows measured differently, or in one run only, are listed with why.
 */
export function compareWithBaseline(current: BenchReport, baseline: BenchReport, file: string): BaselineComparison {
  const before = new Map(benchRows(baseline).map((r) => [r.key, r]));
  const now = benchRows(current);
  const changes: FigureChange[] = [];
  const notCompared: BaselineComparison['notCompared'] = [];
  const lacking = { baseline: new Set<string>(), now: new Set<string>() };
  for (const row of now) {
    const old = before.get(row.key);
    before.delete(row.key);
    if (!old) {
      notCompared.push({ row: row.name, why: 'not in the baseline' });
      continue;
    }
    const differs = shapeDifferences(old.shape, row.shape);
    if (differs.length) {
      notCompared.push({ row: row.name, why: `measured differently: ${differs.join('; ')}` });
      continue;
    }
    changes.push(...figureChanges(old, row, lacking));
  }
  for (const old of before.values()) notCompared.push({ row: old.name, why: 'in the baseline only: not measured in this run' });
  const notes = notesOn(current, baseline);
  if (lacking.baseline.size) notes.push(`Figures the baseline does not hold, so not compared: ${[...lacking.baseline].join(', ')}.`);
  if (lacking.now.size) notes.push(`Figures this run does not hold, so not compared: ${[...lacking.now].join(', ')}.`);
  const machine = changes.filter((c) => CALIBRATION.includes(c.row) && c.verdict !== 'no clear change');
  if (machine.length) {
    notes.push(`${machine.map((c) => `${c.row} ${c.figure}: ${c.verdict}`).join('; ')}: the machine itself ran differently, so part of every change below is the machine's; "× the floor" allows for it.`);
  }
  const once = changes.filter((c) => c.why).length;
  if (once) notes.push(`${once} figure${once > 1 ? 's were' : ' was'} measured once in one run or both (n=1): with no spread to judge by, none of them is called slower or faster; use --repeat 3 or more for both runs.`);
  const count = (v: Verdict) => changes.filter((c) => c.verdict === v && !CALIBRATION.includes(c.row)).length;
  return {
    file,
    date: baseline.date,
    command: baseline.command,
    version: baseline.version,
    notes,
    changes,
    notCompared,
    counts: { slower: count('slower'), faster: count('faster'), unclear: count('no clear change'), notCompared: notCompared.length },
  };
}

/** The figures two same-shaped rows both hold, each judged; a figure only one of them holds goes into `lacking`. */
function figureChanges(old: BenchRow, row: BenchRow, lacking: { baseline: Set<string>; now: Set<string> }): FigureChange[] {
  const out: FigureChange[] = [];
  for (const f of row.figures) {
    const was = old.figures.find((o) => o.figure === f.figure);
    if (!was) {
      lacking.baseline.add(f.figure);
      continue;
    }
    out.push({ row: row.name, figure: f.figure, better: f.better, baseline: was.spread, current: f.spread, ratio: ratioOf(was.spread, f.spread), ...verdictOf(was.spread, f.spread, f.better) });
  }
  for (const o of old.figures) if (!row.figures.some((f) => f.figure === o.figure)) lacking.now.add(o.figure);
  return out;
}
