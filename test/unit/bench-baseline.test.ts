import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { baselineSummary } from '../../src/bench/baseline-blocks.js';
import { compareWithBaseline, verdictOf } from '../../src/bench/baseline-compare.js';
import { BaselineError, readBaseline } from '../../src/bench/baseline-file.js';
import { benchMarkdown } from '../../src/bench/bench-files.js';
import { type BenchReport, type BenchRun, type LoadSummary } from '../../src/bench/bench-report-schema.js';
import type { Spread } from '../../src/core/stats.js';
import { benchReport } from '../support/bench-report.js';

const s = (median: number, min = median, max = median, n = 3): Spread => ({ n, median, min, max });
const summaryOf = (accepted: Spread, p50: Spread, p99: Spread): LoadSummary => ({
  sentPerSecond: accepted,
  answeredPerSecond: accepted,
  acceptedPerSecond: accepted,
  p50,
  p90: p99,
  p99,
  max: p99,
  samples: s(1000),
  failures: 0,
  late: 0,
  notSent: 0,
});

interface RunFigures {
  variant: string;
  broker?: BenchRun['broker'];
  store?: BenchRun['store'];
  accepted: Spread;
  p99: Spread;
  outcome?: boolean;
  halfRate?: number;
}

function runOf(f: RunFigures): BenchRun {
  const load = summaryOf(f.accepted, s(f.p99.median / 2, f.p99.min / 2, f.p99.max / 2, f.p99.n), f.p99);
  return {
    variant: f.variant,
    broker: f.broker ?? 'in-process',
    store: f.store ?? 'sqlite',
    traits: f.variant === 'http' ? ['all-rest'] : ['answers-orders-later', 'pushes-order-status'],
    repeats: [],
    summary: {
      load,
      tracingOff: load,
      completedPerSecond: f.accepted,
      cpuSeconds: s(1),
      peakRssMb: s(200),
      ...(f.outcome ? { outcome: { by: 'push' as const, orders: s(10), answerP50: s(5), answerP99: s(9), outcomeP50: s(20), outcomeP99: s(40), unlearned: 0 } } : {}),
    },
    ratios: { toExpressHello: s(0.1), toNodeHttpHello: s(0.01), tracingOnToOff: s(1) },
    ...(f.halfRate ? { halfLoad: { rate: f.halfRate, repeats: [], summary: summaryOf(s(f.halfRate), s(5), s(10)), toNotificationP50: s(8), toNotificationP99: s(16) } } : {}),
  };
}

/** A report as bench writes it, checked against the schema, with these runs and settings. */
function reportOf(runs: RunFigures[], settings: Partial<BenchReport['settings']> = {}): BenchReport {
  return benchReport({ runs: runs.map(runOf), hello: summaryOf(s(10_000, 9_000, 11_000), s(1), s(3)), settings, command: 'orderctl bench --variants=http,hybrid --repeat 3' });
}

const http = { variant: 'http', accepted: s(300, 280, 320), p99: s(100, 90, 110) };
const figure = (c: ReturnType<typeof compareWithBaseline>, row: string, name: string) => c.changes.find((x) => x.row === row && x.figure === name);

describe('one figure against the baseline', () => {
  test('slower or faster only when the spreads do not overlap, by which way is better', () => {
    expect(verdictOf(s(1000, 950, 1050), s(300, 280, 320), 'higher').verdict).toBe('slower');
    expect(verdictOf(s(300, 280, 320), s(1000, 950, 1050), 'higher').verdict).toBe('faster');
    expect(verdictOf(s(10, 9, 11), s(50, 45, 55), 'lower').verdict).toBe('slower');
    expect(verdictOf(s(50, 45, 55), s(10, 9, 11), 'lower').verdict).toBe('faster');
  });

  test('overlapping spreads, even with medians far apart, are no clear change', () => {
    expect(verdictOf(s(300, 100, 500), s(450, 400, 900), 'higher')).toEqual({ verdict: 'no clear change' });
    expect(verdictOf(s(10, 9, 11), s(11, 11, 30), 'lower')).toEqual({ verdict: 'no clear change' });
  });

  test('a side measured once has no spread: no clear change, and it says why', () => {
    const once = verdictOf(s(1000, 1000, 1000, 1), s(300, 280, 320), 'higher');
    expect(once.verdict).toBe('no clear change');
    expect(once.why).toBe('n=1 in the baseline');
  });
});

describe('a run against a baseline', () => {
  test('a baseline whose figures are clearly better makes this run slower, with both spreads and the ratio', () => {
    const baseline = reportOf([{ variant: 'http', accepted: s(1000, 950, 1050), p99: s(20, 18, 22) }]);
    const c = compareWithBaseline(reportOf([http]), baseline, 'before.json');
    expect(figure(c, 'http', 'accepted orders/s')).toMatchObject({ verdict: 'slower', baseline: { median: 1000, min: 950, max: 1050 }, current: { median: 300 }, ratio: 0.3 });
    expect(figure(c, 'http', 'first answer p99 ms')).toMatchObject({ verdict: 'slower', ratio: 5 });
    expect(figure(c, 'express hello-world', 'requests/s')?.verdict).toBe('no clear change');
    expect(c.counts.slower).toBeGreaterThanOrEqual(3);
    expect(c.counts.faster).toBe(0);
    expect(c.notCompared).toEqual([]);
  });

  test('and a clearly worse baseline makes it faster; the same figures within each other\'s spread are no clear change', () => {
    const worse = compareWithBaseline(reportOf([http]), reportOf([{ variant: 'http', accepted: s(100, 90, 110), p99: s(400, 380, 420) }]), 'b.json');
    expect(figure(worse, 'http', 'accepted orders/s')?.verdict).toBe('faster');
    expect(figure(worse, 'http', 'first answer p99 ms')?.verdict).toBe('faster');
    const same = compareWithBaseline(reportOf([http]), reportOf([{ variant: 'http', accepted: s(310, 260, 330), p99: s(95, 85, 105) }]), 'b.json');
    expect(same.changes.every((x) => x.verdict === 'no clear change')).toBe(true);
    expect(same.counts).toMatchObject({ slower: 0, faster: 0 });
  });

  test('a baseline measured differently (duration, connections) is not compared, row by row, and says how it differs', () => {
    const baseline = reportOf([{ variant: 'http', accepted: s(1000, 950, 1050), p99: s(20, 18, 22) }], { durationSeconds: 10, connections: 4 });
    const c = compareWithBaseline(reportOf([http]), baseline, 'b.json');
    expect(figure(c, 'http', 'accepted orders/s')).toBeUndefined();
    expect(c.counts.slower).toBe(0);
    const row = c.notCompared.find((n) => n.row === 'http')!;
    expect(row.why).toMatch(/^measured differently: /);
    expect(row.why).toContain('load closed loop, 4 connections in the baseline, closed loop, 32 connections now');
    expect(row.why).toContain('duration 10 s in the baseline, 5 s now');
    expect(c.notes.join(' ')).toContain('The baseline was measured differently');
  });

  test('an open loop is not set against a closed loop, nor one rate against another', () => {
    const c = compareWithBaseline(reportOf([http], { rate: 200, maxInFlight: 200 }), reportOf([http], { rate: 100, maxInFlight: 100 }), 'b.json');
    expect(c.changes.filter((x) => x.row === 'http')).toEqual([]);
    expect(c.notCompared.find((n) => n.row === 'http')?.why).toContain('open loop at 100 orders/s in the baseline, open loop at 200 orders/s now');
  });

  test('only like with like: another broker or store is another row, each in one run only is listed', () => {
    const baseline = reportOf([http, { ...http, store: 'postgres' }]);
    const c = compareWithBaseline(reportOf([http, { variant: 'hybrid', broker: 'rabbitmq', accepted: s(400, 380, 420), p99: s(50, 45, 55) }]), baseline, 'b.json');
    expect(c.notCompared).toEqual(
      expect.arrayContaining([
        { row: 'hybrid (RabbitMQ)', why: 'not in the baseline' },
        { row: 'http (PostgreSQL)', why: 'in the baseline only: not measured in this run' },
      ]),
    );
    expect(figure(c, 'http', 'accepted orders/s')?.verdict).toBe('no clear change');
  });

  test('a half load at another rate is refused while its main run is compared', () => {
    const hybrid = { variant: 'hybrid', accepted: s(400, 380, 420), p99: s(50, 45, 55) };
    const c = compareWithBaseline(reportOf([{ ...hybrid, halfRate: 200 }]), reportOf([{ ...hybrid, halfRate: 233 }]), 'b.json');
    expect(figure(c, 'hybrid', 'accepted orders/s')).toBeDefined();
    expect(c.notCompared).toEqual([{ row: 'hybrid at half its saturation', why: 'measured differently: load open loop at 233 orders/s in the baseline, open loop at 200 orders/s now' }]);
  });

  test('when a hello-world changed too, a note says the machine ran differently', () => {
    const baseline = reportOf([http]);
    baseline.baselines.expressHello.summary.answeredPerSecond = s(30_000, 29_000, 31_000);
    const c = compareWithBaseline(reportOf([http]), baseline, 'b.json');
    expect(figure(c, 'express hello-world', 'requests/s')?.verdict).toBe('slower');
    expect(c.notes).toContain('express hello-world requests/s: slower: the machine itself ran differently, so part of every change below is the machine\'s; "× the floor" allows for it.');
    expect(c.counts.slower).toBe(0);
  });

  test('figures an older baseline does not hold are named, not compared', () => {
    const c = compareWithBaseline(reportOf([{ ...http, outcome: true }]), reportOf([http]), 'b.json');
    expect(figure(c, 'http', 'outcome known p50 ms')).toBeUndefined();
    expect(c.notes).toContain('Figures the baseline does not hold, so not compared: outcome known p50 ms, outcome known p99 ms.');
  });
});

describe('how the comparison is shown', () => {
  const baseline = reportOf([{ variant: 'http', accepted: s(1000, 950, 1050), p99: s(20, 18, 22) }, { ...http, variant: 'hybrid' }]);
  const current = reportOf([http]);
  current.baseline = compareWithBaseline(current, baseline, 'before/report.json');

  test('the terminal ends with a short table of what got slower or faster, the counts and the rows left out', () => {
    const text = baselineSummary(current.baseline!);
    expect(text).toMatch(/^Against the baseline before\/report\.json \(2026-12-01T10:00:00\.000Z\): of the styles' figures \d+ slower, 0 faster, \d+ with no clear change; 1 row not compared\./);
    expect(text).toContain('| http | accepted orders/s | 1,000 (n=3, 950–1,050) | 300 (n=3, 280–320) | 0.30× | slower |');
    expect(text).not.toContain('| express hello-world |');
    expect(text).toContain('Not compared: hybrid (in the baseline only: not measured in this run).');
  });

  test('the report has a section with every compared figure and the rule, and defines accepted and completed', () => {
    const markdown = benchMarkdown(current, false);
    const section = markdown.split('## Against the baseline')[1];
    expect(section).toContain('do not overlap');
    expect(section).toContain('| express hello-world | requests/s | 10,000 (n=3, 9,000–11,000) | 10,000 (n=3, 9,000–11,000) | 1.00× | no clear change |');
    expect(section).toContain('- hybrid: in the baseline only: not measured in this run');
    expect(markdown).toMatch(/\| http \| 300 \(n=3, 280–320\) \| 300 \(n=3, 280–320\) \|[^\n]*\n\nAccepted orders\/s: the load's orders the gateway answered 2xx within the measured 5 s/);
    expect(markdown).toContain('the up to 32 orders then in flight still complete');
  });
});

describe('the baseline file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderctl-baseline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const refusal = async (file: string) => {
    const error = await readBaseline(file).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BaselineError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  };

  test('a stored report reads back, given as report.json or as its folder', async () => {
    const report = reportOf([http]);
    mkdirSync(join(dir, 'bench-1'));
    writeFileSync(join(dir, 'bench-1', 'report.json'), JSON.stringify(report));
    expect(await readBaseline(join(dir, 'bench-1', 'report.json'))).toEqual(report);
    expect(await readBaseline(join(dir, 'bench-1'))).toEqual(report);
  });

  test('missing, not JSON, not a bench report, or a bench report cut short: refused in one line', async () => {
    expect(await refusal(join(dir, 'nope.json'))).toBe(`--baseline ${join(dir, 'nope.json')}: no such file (give the report.json a bench wrote, or what bench --json printed)`);
    expect(await refusal(write('text.json', 'Report: reports/bench-1/report.html\n'))).toMatch(/: not a bench report: not JSON \(/);
    expect(await refusal(write('run.json', JSON.stringify({ tool: 'orderctl run', runs: [] })))).toMatch(/: not a bench report \(its "tool" is not "orderctl bench"\)/);
    const { runs: _, ...cut } = reportOf([http]);
    expect(await refusal(write('cut.json', JSON.stringify(cut)))).toMatch(/: not a bench report this orderctl reads: runs: /);
  });
});
