import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';
import { benchReportSchema } from '../../src/bench/bench-report-schema.js';
import { CHROMIUM_ARGS, findChromium } from '../../src/diagrams/renderer.js';
import { cli, privateTmp } from '../support/cli.js';

test('a short bench of every variant writes a report whose JSON fits its schema and whose page shows its charts', async () => {
  const reports = privateTmp();
  const { code, stdout, stderr } = await cli(['bench', '--variants=all', '--duration=1', '--connections=4', '--users=8', '--report-dir', reports, '--json'], {}, 300_000);
  expect(stderr).not.toContain('orderctl:');
  expect(code).toBe(0);
  const report = benchReportSchema.parse(JSON.parse(stdout));
  expect(report.runs.map((r) => r.variant)).toEqual(['http', 'event-notification', 'event-collaboration', 'hybrid']);
  for (const run of report.runs) {
    expect(run.load.acceptedPerSecond).toBeGreaterThan(0);
    expect(run.sut.consistency?.ok).toBe(true);
    expect(run.sut.orders!.completed).toBeGreaterThan(0);
    expect(run.sut.orders!.httpPerOrder).toBe(run.variant === 'http' ? 5 : run.variant === 'event-collaboration' ? 1 : run.variant === 'hybrid' ? 2 : 4);
  }
  expect(report.runs.find((r) => r.variant === 'hybrid')!.halfLoad).toBeDefined();
  expect(report.targets.map((t) => t.met)).toContain(null);

  const dir = /Report: (\S+)report\.html/.exec(stderr)![1];
  expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(report);
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    const charts = await page.$$eval('figure img', (imgs) => imgs.map((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth > 0; }));
    expect(charts).toEqual([true, true, true]);
    expect(await page.textContent('body')).toContain('Order placement under load');
    await page.screenshot({ path: join(reports, 'bench.png') });
  } finally {
    await browser.close();
  }
  rmSync(reports, { recursive: true });
});

test('an open-loop bench with load steps measures each rate and draws latency against load', async () => {
  const reports = privateTmp();
  const { code, stdout, stderr } = await cli(['bench', '--variants=hybrid', '--duration=1', '--connections=2', '--users=4', '--rate=20', '--load-steps=10,30', '--no-render', '--report-dir', reports, '--json'], {}, 300_000);
  expect(code).toBe(0);
  const report = benchReportSchema.parse(JSON.parse(stdout));
  expect(report.settings).toMatchObject({ rate: 20, loadSteps: [10, 30] });
  const [hybrid] = report.runs;
  expect(hybrid.steps!.map((s) => s.rate)).toEqual([10, 30]);
  expect(hybrid.halfLoad).toBeUndefined();
  const dir = /Report: (\S+)report\.html/.exec(stderr)![1];
  expect(readFileSync(join(dir, 'latency-vs-load.mmd'), 'utf8')).toMatch(/^xychart-beta\n[\s\S]*x-axis \[10, 30\][\s\S]*line \[/);
  rmSync(reports, { recursive: true });
});
