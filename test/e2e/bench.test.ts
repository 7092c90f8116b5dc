import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

test('a short bench of two variants, repeated twice, with load steps: its JSON fits the schema and its page draws every chart', async () => {
  const reports = privateTmp();
  const args = ['bench', '--variants=http,hybrid', '--duration=1', '--warmup=0', '--repeat=2', '--connections=4', '--users=8', '--load-steps=20,40', '--report-dir', reports, '--json'];
  const { code, stdout, stderr } = await cli(args, {}, 600_000);
  expect(stderr).not.toContain('orderctl:');
  expect(code).toBe(0);
  const report = benchReportSchema.parse(JSON.parse(stdout));
  expect(report.settings).toMatchObject({ repeat: 2, warmupSeconds: 0, loadSteps: [20, 40] });
  expect(report.runs.map((r) => r.variant)).toEqual(['http', 'hybrid']);
  expect(report.baselines.expressHello.repeats).toHaveLength(2);
  for (const run of report.runs) {
    expect(run.repeats).toHaveLength(2);
    expect(run.summary.load.acceptedPerSecond).toMatchObject({ n: 2 });
    expect(run.summary.load.acceptedPerSecond.min).toBeGreaterThan(0);
    expect(run.summary.load.acceptedPerSecond.min).toBeLessThanOrEqual(run.summary.load.acceptedPerSecond.max);
    expect(run.ratios.toExpressHello.n).toBe(2);
    for (const repeat of run.repeats) {
      expect(repeat.sut.consistency?.ok).toBe(true);
      expect(repeat.sut.orders!.completed).toBeGreaterThan(0);
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
  expect(report.comparisons.map((c) => c.topic)).toEqual(expect.arrayContaining(['accepted orders/s', 'hybrid completed against http accepted', 'tracing on against off']));
  expect(report).not.toHaveProperty('targets');

  const dir = reportDir(stderr);
  expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(report);
  for (const name of ['orders', 'latency', 'to-notification', 'latency-vs-load']) {
    expect(existsSync(join(dir, `${name}.vl.json`))).toBe(true);
    expect(readFileSync(join(dir, `${name}.svg`), 'utf8')).toMatch(/^<svg /);
  }
  const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
  expect(markdown).not.toMatch(/NOT met|target/i);
  expect(markdown).toMatch(/\| http \| 20 \| \d+ \(n=2, /);

  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    const charts = await page.$$eval('figure img', (imgs) => imgs.map((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth > 100; }));
    expect(charts).toEqual([true, true, true, true]);
    const body = await page.textContent('body');
    expect(body).toContain('Order placement under load');
    expect(body).toContain('Latency against load');
    expect(await page.$$eval('.bad', (bad) => bad.length)).toBe(0);
    const shot = join(reports, 'bench.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  } finally {
    await browser.close();
  }
  rmSync(reports, { recursive: true });
}, 660_000);

test('an open-loop bench at a stated rate reports offered, sent and answered rates, on SQLite and on PostgreSQL, and --no-render writes specs only', async () => {
  const reports = privateTmp();
  const args = ['bench', '--variants=http', '--duration=1', '--warmup=0', '--connections=2', '--users=4', '--rate=20', '--store', POSTGRES_TEST_URL, '--no-render', '--report-dir', reports, '--json'];
  const { code, stdout, stderr } = await cli(args, {}, 300_000);
  expect(stderr).not.toContain('orderctl:');
  expect(code).toBe(0);
  const report = benchReportSchema.parse(JSON.parse(stdout));
  expect(report.settings).toMatchObject({ rate: 20, repeat: 1 });
  expect(report.runs.map((r) => [r.variant, r.store])).toEqual([
    ['http', 'sqlite'],
    ['http', 'postgres'],
  ]);
  for (const http of report.runs) {
    expect(http.repeats[0].load).toMatchObject({ mode: 'open', offeredPerSecond: 20 });
    expect(http.repeats[0].load.samples).toBeGreaterThan(0);
    expect(http.repeats[0].sut.consistency?.ok).toBe(true);
    expect(http.halfLoad).toBeUndefined();
  }
  expect(report.comparisons.find((c) => c.topic === 'PostgreSQL against SQLite')?.text).toContain('http (PostgreSQL)');
  const dir = reportDir(stderr);
  expect(readdirSync(dir).filter((f) => f.endsWith('.svg'))).toEqual([]);
  expect(JSON.parse(readFileSync(join(dir, 'orders.vl.json'), 'utf8')).layer[0].encoding.y.scale).toMatchObject({ zero: true });
  expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('one measurement each, so no spread to judge a difference by');
  rmSync(reports, { recursive: true });
}, 300_000);

test('bad bench options are refused in one line with exit 2', async () => {
  for (const bad of [['--repeat=0'], ['--warmup=-1'], ['--rate=fast'], ['--load-steps=10,x']]) {
    const { code, stderr } = await cli(['bench', ...bad]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')[0]).toMatch(/error: option .* argument .* is invalid\. --\S+ must be/);
  }
});

test('bench --processes: each variant in one process and with one process per service, billing ×1/×2/×3, next to the floor', async () => {
  const reports = privateTmp();
  const args = ['bench', '--variants=hybrid', '--processes', '--broker', await rabbitmqUrl(), '--duration=1', '--warmup=0', '--connections=4', '--users=8', '--no-render', '--report-dir', reports, '--json'];
  const { code, stdout, stderr } = await cli(args, {}, 600_000);
  expect(stderr).not.toContain('orderctl:');
  expect(code).toBe(0);
  const report = benchReportSchema.parse(JSON.parse(stdout));
  expect(report.baselines.floor).toMatchObject({ hops: 5 });
  expect(report.baselines.floor!.summary.answeredPerSecond.median).toBeGreaterThan(0);
  for (const run of report.runs) expect(run.ratios.toFloor?.median).toBeGreaterThan(0);
  expect(report.processes!.map((p) => [p.variant, p.broker, p.billingReplicas])).toEqual([1, 2, 3].map((n) => ['hybrid', 'rabbitmq', n]));
  for (const p of report.processes!) {
    expect(p.repeats[0].sut.consistency?.ok).toBe(true);
    expect(p.repeats[0].sut.processes!.filter((c) => c.service === 'billing')).toHaveLength(p.billingReplicas);
    expect(Object.keys(p.cpuMsPerOrder).sort()).toEqual([...SERVICES].sort());
    expect(p.cpuMsPerOrder.gateway.median).toBeGreaterThan(0);
    expect(p.summary.acceptedPerSecond.median).toBeGreaterThan(0);
  }
  expect(report.consistent).toBe(true);
  const markdown = readFileSync(join(reportDir(stderr), 'report.md'), 'utf8');
  expect(markdown).toContain('## One process per service');
  expect(markdown).toMatch(/\| hybrid \(RabbitMQ\) \| one process per service, billing×3 \| \d+/);
  expect(markdown).toContain('the floor: 5 bare express hops');
  rmSync(reports, { recursive: true });
}, 660_000);
