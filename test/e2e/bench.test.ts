import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';
import { SERVICES } from '../../src/system/wiring.js';
import { benchReportSchema } from '../../src/bench/bench-report-schema.js';
import { CHROMIUM_ARGS, findChromium } from '../../src/diagrams/renderer.js';
import { cli, privateTmp } from '../support/cli.js';
import { POSTGRES_TEST_URL } from '../support/postgres.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

const reportDir = (stderr: string) => /Report: (\S+)report\.html/.exec(stderr)![1];

interface StoredRun {
  variant: string;
  store?: 'sqlite' | 'postgres';
  accepted: number;
  ms: number;
  steps?: number[];
}

/** A report as an earlier bench would have stored it, with these settings and runs, every figure measured 3 times alike; written to `file`. */
function storeBaseline(file: string, settings: Record<string, unknown>, runs: StoredRun[]): string {
  const s = (v: number) => ({ n: 3, median: v, min: v, max: v });
  const load = (accepted: number, ms: number) => ({ sentPerSecond: s(accepted), answeredPerSecond: s(accepted), acceptedPerSecond: s(accepted), p50: s(ms), p90: s(ms), p99: s(ms), max: s(ms), samples: s(1000), failures: 0, late: 0, notSent: 0 });
  const hello = { repeats: [], summary: load(10_000, 1) };
  const report = benchReportSchema.parse({
    tool: 'orderctl bench',
    version: '0.1.0',
    date: '2026-12-01T10:00:00.000Z',
    command: 'orderctl bench (stored by test/e2e/bench.test.ts)',
    machine: { cpus: 2, cpuModel: 'stored', memoryGb: 24, node: process.version, platform: 'linux x64' },
    settings: { repeat: 3, ...settings },
    baselines: { expressHello: hello, nodeHttpHello: hello },
    runs: runs.map((r) => ({
      variant: r.variant,
      broker: 'in-process',
      store: r.store ?? 'sqlite',
      repeats: [],
      summary: {
        load: load(r.accepted, r.ms),
        tracingOff: load(r.accepted, r.ms),
        completedPerSecond: s(r.accepted),
        outcome: { by: 'answer', orders: s(10), answerP50: s(r.ms), answerP99: s(r.ms), outcomeP50: s(r.ms), outcomeP99: s(r.ms), unlearned: 0 },
        cpuSeconds: s(1),
        peakRssMb: s(100),
      },
      ratios: { toExpressHello: s(0.1), toNodeHttpHello: s(0.01), tracingOnToOff: s(1) },
      ...(r.steps ? { steps: r.steps.map((rate) => ({ rate, repeats: [], summary: load(rate, r.ms) })) } : {}),
    })),
    comparisons: [],
    consistent: true,
  });
  writeFileSync(file, JSON.stringify(report));
  return file;
}

test('a short bench of two variants, repeated twice, with load steps, against a baseline: its JSON fits the schema, its page draws every chart, what got slower fails it', async () => {
  const reports = privateTmp();
  // The stored http was absurdly fast and hybrid absurdly slow, under the same load; a load step and a PostgreSQL run only there.
  const baseline = storeBaseline(join(reports, 'before.json'), { durationSeconds: 1, warmupSeconds: 0, connections: 4, users: 8, loadSteps: [30], maxInFlight: 40 }, [
    { variant: 'http', accepted: 1_000_000, ms: 0.001, steps: [30] },
    { variant: 'http', store: 'postgres', accepted: 1_000_000, ms: 0.001 },
    { variant: 'hybrid', accepted: 0.1, ms: 1_000_000 },
  ]);
  const args = ['bench', '--variants=http,hybrid', '--duration=1', '--warmup=0', '--repeat=2', '--connections=4', '--users=8', '--load-steps=20,40', '--report-dir', reports, '--json', '--baseline', baseline, '--fail-on-slower'];
  const { code, stdout, stderr } = await cli(args, {}, 600_000);
  // --fail-on-slower: exit 1, for what got slower only (every run was consistent).
  expect(stderr.split('\n').filter((l) => l.includes('orderctl:'))).toEqual([expect.stringMatching(/^orderctl: \d+ of the styles' figures got slower than the baseline, spreads apart/)]);
  expect(code).toBe(1);
  const report = benchReportSchema.parse(JSON.parse(stdout));
  expect(report.consistent).toBe(true);
  // The floor and the expert reference are loaded right before each variant in each round: 2 variants × 2 rounds.
  expect(report.baselines.floor!.repeats).toHaveLength(4);
  expect(report.baselines.reference).toMatchObject({ hops: 5, repeats: expect.any(Array), cpuMsPerOrder: { n: 4 } });
  expect(report.baselines.reference!.repeats).toHaveLength(4);
  expect(report.baselines.floor!.cpuMsPerOrder).toMatchObject({ n: 4 });
  // The reference's customers order as the styles' do: every order of its loads answered 201.
  for (const load of report.baselines.reference!.repeats) expect(Object.keys(load.statusCodes)).toEqual(['201']);
  const against = report.baseline!;
  const verdict = (row: string, figure: string) => against.changes.find((c) => c.row === row && c.figure === figure)?.verdict;
  expect(against.file).toBe(baseline);
  expect(verdict('http', 'accepted orders/s')).toBe('slower');
  expect(verdict('http', 'first answer p99 ms')).toBe('slower');
  expect(verdict('http', 'outcome known p50 ms')).toBe('slower');
  expect(verdict('hybrid', 'accepted orders/s')).toBe('faster');
  expect(verdict('hybrid', 'outcome known p99 ms')).toBe('faster');
  expect(against.notCompared).toEqual(
    expect.arrayContaining([
      { row: 'http (PostgreSQL)', why: 'in the baseline only: not measured in this run' },
      { row: 'http at 30 orders/s', why: 'in the baseline only: not measured in this run' },
      { row: 'http at 20 orders/s', why: 'not in the baseline' },
    ]),
  );
  expect(stderr).toMatch(/^Against the baseline \S+before\.json \(2026-12-01T10:00:00\.000Z\): of the styles' figures \d+ slower, \d+ faster/m);
  expect(stderr).toMatch(/^\| http \| accepted orders\/s \| 1,000,000 \(n=3, 1,000,000–1,000,000\) \| \d+ \(n=2, \d+–\d+\) \| 0\.00× \| slower \|$/m);
  expect(report.settings).toMatchObject({ repeat: 2, warmupSeconds: 0, loadSteps: [20, 40] });
  expect(report.runs.map((r) => r.variant)).toEqual(['http', 'hybrid']);
  expect(report.baselines.expressHello.repeats).toHaveLength(2);
  for (const run of report.runs) {
    expect(run.repeats).toHaveLength(2);
    expect(run.summary.load.acceptedPerSecond).toMatchObject({ n: 2 });
    expect(run.summary.load.acceptedPerSecond.min).toBeGreaterThan(0);
    expect(run.summary.load.acceptedPerSecond.min).toBeLessThanOrEqual(run.summary.load.acceptedPerSecond.max);
    expect(run.ratios.toExpressHello.n).toBe(2);
    // For each style: × the floor and × the reference, and CPU ms per order of the style, the floor and the reference, each over the 2 repeats.
    for (const figure of [run.ratios.toFloor, run.ratios.toReference, run.cpuMsPerOrder, run.floorCpuMsPerOrder, run.referenceCpuMsPerOrder]) {
      expect(figure).toMatchObject({ n: 2 });
      expect(figure!.min).toBeGreaterThan(0);
    }
    for (const repeat of run.repeats) {
      expect(repeat.sut.consistency?.ok).toBe(true);
      expect(repeat.sut.orders!.completed).toBeGreaterThan(0);
      // The CPU window's orders: the load's that completed and the outcome probe's.
      expect(repeat.sut.completedInWindow).toBeGreaterThanOrEqual(repeat.sut.orders!.completed + repeat.outcome!.orders);
      expect(repeat.sut.completedInWindow).toBeLessThanOrEqual(repeat.sut.orders!.completed + repeat.outcome!.orders + repeat.outcome!.unlearned);
      expect(repeat.sut.orders!.httpPerOrder).toBe(run.traits.includes('all-rest') ? 5 : 2);
      expect(repeat.load.mode).toBe('closed');
    }
    expect(run.steps!.map((s) => s.rate)).toEqual([20, 40]);
    for (const step of run.steps!) {
      expect(step.repeats).toHaveLength(2);
      expect(step.repeats.every((l) => l.mode === 'open' && l.offeredPerSecond === step.rate && l.sentPerSecond > 0)).toBe(true);
    }
  }
  expect(report.runs.find((r) => r.traits.includes('answers-orders-later'))!.halfLoad!.repeats).toHaveLength(2);
  // Next to every main load a client learned its orders' outcomes: in the answer for http, by push after the 202 for hybrid.
  for (const run of report.runs) {
    expect(run.repeats.map((x) => [x.outcome!.by, x.outcome!.orders > 0])).toEqual([[run.variant === 'http' ? 'answer' : 'push', true], [run.variant === 'http' ? 'answer' : 'push', true]]);
    for (const x of run.repeats) expect(x.outcome!.outcomeMs.p50).toBeGreaterThanOrEqual(x.outcome!.answerMs.p50);
    if (run.variant === 'http') expect(run.repeats.every((x) => x.outcome!.outcomeMs.p99 === x.outcome!.answerMs.p99)).toBe(true);
    expect(run.summary.outcome).toMatchObject({ orders: { n: 2 }, outcomeP50: { n: 2 } });
  }
  expect(report.comparisons.map((c) => c.topic)).toEqual(expect.arrayContaining(['accepted orders/s', 'hybrid completed against http accepted', 'tracing on against off']));
  expect(report).not.toHaveProperty('targets');

  const dir = reportDir(stderr);
  expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(report);
  for (const name of ['orders', 'cpu-per-order', 'latency', 'time-to-outcome', 'to-notification', 'latency-vs-load']) {
    expect(existsSync(join(dir, `${name}.vl.json`))).toBe(true);
    expect(readFileSync(join(dir, `${name}.svg`), 'utf8')).toMatch(/^<svg /);
  }
  const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
  expect(markdown).not.toMatch(/NOT met|target/i);
  expect(markdown).toMatch(/\| http \| 20 \| \d+ \(n=2, /);
  expect(markdown).toMatch(/\| hybrid \| [^\n]*\n\nAccepted orders\/s: the load's orders the gateway answered 2xx within the measured 1 s \(a 202 "pending" counts/);
  expect(markdown).toContain('## When the client knows the outcome');
  expect(markdown).toContain("## The harness against the floor and an expert's");
  expect(markdown).toMatch(/\| http \| \d+ \(n=2, \d+–\d+\) \| [\d.]+× \(n=2, [\d.]+–[\d.]+\) \| [\d.]+× \(n=2, [\d.]+–[\d.]+\) \| [\d.]+ \(n=2, [\d.]+–[\d.]+\) \| [\d.]+ \(n=2, [\d.]+–[\d.]+\) \| [\d.]+ \(n=2, [\d.]+–[\d.]+\) \|\n/);
  expect(markdown).toContain('CPU ms per order: the processor time (user + system) the system under test spent from the start of the measured load until that load\'s orders had settled');
  expect(markdown).toContain('| the expert reference: 5 lean hops, same durable writes |');
  const cpuChart = JSON.parse(readFileSync(join(dir, 'cpu-per-order.vl.json'), 'utf8'));
  expect(cpuChart.layer[0].encoding.y.scale).toMatchObject({ zero: true });
  expect(new Set(cpuChart.data.values.map((v: { series: string }) => v.series))).toEqual(new Set(['the style', 'the floor (5 bare hops)', 'the expert reference (5 lean hops, same writes)']));
  expect(cpuChart.data.values.every((v: { n: number }) => v.n === 2)).toBe(true);
  expect(markdown).toMatch(/\| hybrid \| by push after the 202 \| \d+ \(n=2, /);
  expect(markdown).toMatch(/## Against the baseline\n\nThis run against `\S+before\.json`/);
  expect(markdown).toMatch(/\| hybrid \| accepted orders\/s \| 0 \(n=3, 0–0\) \| \d+ \(n=2, \d+–\d+\) \| [\d,.]+× \| faster \|/);

  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    const charts = await page.$$eval('figure img', (imgs) => imgs.map((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth > 100; }));
    expect(charts).toEqual([true, true, true, true, true, true]);
    const body = await page.textContent('body');
    expect(body).toContain('Order placement under load');
    expect(body).toContain('Latency against load');
    expect(body).toContain('Against the baseline');
    expect(await page.$$eval('.bad', (bad) => bad.length)).toBe(0);
    const shot = join(reports, 'bench.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  } finally {
    await browser.close();
  }
  rmSync(reports, { recursive: true });
}, 660_000);

test('an open-loop bench at a stated rate reports offered, sent and answered rates, on SQLite and on PostgreSQL, and --no-render writes specs only; a baseline at another rate is not compared', async () => {
  const reports = privateTmp();
  // Stored at another rate, and far faster: not like with like, so nothing is called slower and --fail-on-slower passes.
  const baseline = storeBaseline(join(reports, 'at-40.json'), { durationSeconds: 1, warmupSeconds: 0, connections: 2, users: 4, rate: 40, maxInFlight: 40 }, [
    { variant: 'http', accepted: 1_000_000, ms: 0.001 },
    { variant: 'http', store: 'postgres', accepted: 1_000_000, ms: 0.001 },
  ]);
  const args = ['bench', '--variants=http', '--duration=1', '--warmup=0', '--connections=2', '--users=4', '--rate=20', '--store', POSTGRES_TEST_URL, '--no-render', '--report-dir', reports, '--json', '--baseline', baseline, '--fail-on-slower'];
  // A recording that keeps only 50 hops, fewer than the load's orders make (each at least 5): completed must not depend on it.
  const { code, stdout, stderr } = await cli(args, { ORDERCTL_HOP_LIMIT: '50' }, 300_000);
  expect(stderr).not.toContain('orderctl:');
  expect(code).toBe(0);
  const report = benchReportSchema.parse(JSON.parse(stdout));
  expect(report.settings).toMatchObject({ rate: 20, repeat: 1 });
  expect(report.runs.map((r) => [r.variant, r.store])).toEqual([
    ['http', 'sqlite'],
    ['http', 'postgres'],
  ]);
  // The reference keeps SQLite: a style on PostgreSQL is not compared with it, only with the floor.
  expect(report.runs.map((r) => [r.store, r.ratios.toReference !== undefined, r.ratios.toFloor !== undefined])).toEqual([
    ['sqlite', true, true],
    ['postgres', false, true],
  ]);
  for (const http of report.runs) {
    expect(http.repeats[0].load).toMatchObject({ mode: 'open', offeredPerSecond: 20 });
    expect(http.repeats[0].load.samples).toBeGreaterThan(0);
    expect(http.repeats[0].sut.consistency?.ok).toBe(true);
    expect(http.halfLoad).toBeUndefined();
    // Every order answered 2xx became final (http answers with the outcome), each counted from the order service's records.
    const accepted = Object.entries(http.repeats[0].load.statusCodes).reduce((n, [status, count]) => (status.startsWith('2') ? n + count : n), 0);
    expect(accepted * 5).toBeGreaterThan(50);
    expect(http.repeats[0].sut.orders!.completed).toBe(accepted);
  }
  expect(report.comparisons.find((c) => c.topic === 'PostgreSQL against SQLite')?.text).toContain('http (PostgreSQL)');
  const dir = reportDir(stderr);
  expect(readdirSync(dir).filter((f) => f.endsWith('.svg'))).toEqual([]);
  expect(JSON.parse(readFileSync(join(dir, 'orders.vl.json'), 'utf8')).layer[0].encoding.y.scale).toMatchObject({ zero: true });
  expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('one measurement each, so no spread to judge a difference by');
  const against = report.baseline!;
  expect(against.counts.slower).toBe(0);
  expect(against.changes.filter((c) => c.row.startsWith('http'))).toEqual([]);
  for (const row of ['http', 'http (PostgreSQL)']) {
    expect(against.notCompared.find((n) => n.row === row)?.why).toMatch(/^measured differently: load open loop at 40 orders\/s in the baseline, open loop at 20 orders\/s now; /);
  }
  expect(against.notes.join(' ')).toContain('load: an open loop at 40 orders/s in the baseline, an open loop at 20 orders/s now');
  rmSync(reports, { recursive: true });
}, 300_000);

test('bad bench options are refused in one line with exit 2', async () => {
  for (const bad of [['--repeat=0'], ['--warmup=-1'], ['--rate=fast'], ['--load-steps=10,x']]) {
    const { code, stderr } = await cli(['bench', ...bad]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')[0]).toMatch(/error: option .* argument .* is invalid\. --\S+ must be/);
  }
});

test('a --baseline that is missing, not JSON or not a bench report is refused in one line with exit 2 before anything is measured', async () => {
  const reports = privateTmp();
  const notJson = join(reports, 'notes.txt');
  writeFileSync(notJson, 'Report: reports/bench-1/report.html\n');
  const notBench = join(reports, 'run.json');
  writeFileSync(notBench, JSON.stringify({ tool: 'orderctl run', variants: [] }));
  const out = join(reports, 'out');
  const refusals: [string[], RegExp][] = [
    [['--baseline', join(reports, 'missing.json')], /^orderctl: --baseline \S+missing\.json: no such file/],
    [['--baseline', notJson], /^orderctl: --baseline \S+notes\.txt: not a bench report: not JSON/],
    [['--baseline', notBench], /^orderctl: --baseline \S+run\.json: not a bench report \(its "tool" is not "orderctl bench"\)/],
    [['--fail-on-slower'], /^orderctl: --fail-on-slower needs --baseline/],
  ];
  for (const [bad, said] of refusals) {
    const { code, stdout, stderr } = await cli(['bench', '--variants=http', '--duration=1', '--warmup=0', '--report-dir', out, ...bad]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(said)]);
    // Nothing was measured: no progress line, no report folder.
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  }
  rmSync(reports, { recursive: true });
});

test('bench --processes --capacity: each variant in one process and with one process per service, billing ×1/×2/×3 at a declared capacity, next to the floor', async () => {
  const reports = privateTmp();
  const args = ['bench', '--variants=hybrid', '--processes', '--broker', await rabbitmqUrl(), '--capacity', 'billing=1x10ms', '--duration=1', '--warmup=0', '--connections=4', '--users=8', '--no-render', '--report-dir', reports, '--json'];
  const { code, stdout, stderr } = await cli(args, {}, 600_000);
  expect(stderr).not.toContain('orderctl:');
  expect(code).toBe(0);
  const report = benchReportSchema.parse(JSON.parse(stdout));
  expect(report.settings.capacity).toBe('billing=1x10ms');
  expect(readFileSync(join(reportDir(stderr), 'report.md'), 'utf8')).toContain('declared capacity, billing=1x10ms');
  expect(report.baselines.floor).toMatchObject({ hops: 5 });
  expect(report.baselines.floor!.summary.answeredPerSecond.median).toBeGreaterThan(0);
  for (const run of report.runs) expect(run.ratios.toFloor?.median).toBeGreaterThan(0);
  for (const run of report.runs) expect(run.ratios.toReference?.median).toBeGreaterThan(0);
  expect(report.processes!.map((p) => [p.variant, p.broker, p.billingReplicas])).toEqual([1, 2, 3].map((n) => ['hybrid', 'rabbitmq', n]));
  for (const p of report.processes!) {
    expect(p.repeats[0].sut.consistency?.ok).toBe(true);
    expect(p.repeats[0].sut.processes!.filter((c) => c.service === 'billing')).toHaveLength(p.billingReplicas);
    expect(Object.keys(p.cpuMsPerOrder).sort()).toEqual([...SERVICES].sort());
    expect(p.cpuMsPerOrder.gateway.median).toBeGreaterThan(0);
    expect(p.toReference?.median).toBeGreaterThan(0);
    // Per service CPU over the orders completed in the same window as the services' CPU.
    expect(p.repeats[0].sut.completedInWindow).toBeGreaterThan(0);
    expect(p.summary.acceptedPerSecond.median).toBeGreaterThan(0);
  }
  expect(report.consistent).toBe(true);
  const markdown = readFileSync(join(reportDir(stderr), 'report.md'), 'utf8');
  expect(markdown).toContain('## One process per service');
  expect(markdown).toMatch(/\| hybrid \(RabbitMQ\) \| one process per service, billing×3 \| \d+/);
  expect(markdown).toContain('the floor: 5 bare express hops');
  rmSync(reports, { recursive: true });
}, 660_000);
