import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { BenchListener } from '../../src/bench/bench-run.js';
import { soakDocument, writeSoakFiles } from '../../src/bench/soak-report.js';
import { runSoak } from '../../src/bench/soak-run.js';
import { privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';

const quiet: BenchListener = { phase: () => {}, tick: () => {}, phaseDone: () => {} };

test('a short soak samples memory before, during and after the load and idle time, and every order it sent is final', async () => {
  const report = await runSoak(
    { variant: 'hybrid', rate: 10, durationSeconds: 4, idleSeconds: 2, sampleEverySeconds: 1, users: 4, connections: 8, command: 'orderctl bench --soak 4s', version: 'test' },
    quiet,
  );
  const { samples } = report;
  expect(samples[0].phase).toBe('before');
  expect(samples.filter((s) => s.phase === 'load').length).toBeGreaterThanOrEqual(3);
  expect(samples.at(-1)!.phase).toBe('idle');
  // Phases in order, times growing.
  const phases = samples.map((s) => s.phase).join(' ');
  expect(phases).toMatch(/^before( load)+( idle)+$/);
  for (let i = 1; i < samples.length; i++) expect(samples[i].atSeconds).toBeGreaterThan(samples[i - 1].atSeconds);
  expect(samples.at(-1)!.atSeconds).toBeGreaterThanOrEqual(report.durationSeconds + report.idleSeconds - 0.5);
  for (const s of samples) {
    expect(s.rssMb).toBeGreaterThan(0);
    expect(s.heapUsedMb).toBeGreaterThan(0);
    expect(s.heapUsedMb).toBeLessThan(s.rssMb);
  }
  expect(report.peak.rssMb).toBe(Math.max(...samples.map((s) => s.rssMb)));
  expect(report.afterIdle!.atSeconds).toBe(samples.at(-1)!.atSeconds);
  expect(report.afterIdle!.atSeconds).toBeGreaterThan(report.endOfLoad.atSeconds);
  // Every order the load meant to send was sent, placed and settled.
  expect(report.load.samples).toBe(40);
  expect(report.orders).toEqual({ sent: 40, final: 40, pending: 0 });
  expect(report.load.errors + report.load.timeouts + report.load.notSent).toBe(0);
  // The report: the figures, a line chart of RSS and heap used from zero, every sample in a table.
  const blocks = soakDocument(report);
  const chart = blocks.find((b) => b.kind === 'chart');
  expect(chart?.kind === 'chart' && chart.chart.spec).toMatchObject({ encoding: { x: { scale: { zero: true } } } });
  const tables = blocks.filter((b) => b.kind === 'table');
  expect(tables.at(-1)!.kind === 'table' && tables.at(-1)!.rows.length).toBe(samples.length);
  const dir = privateTmp();
  await writeSoakFiles(dir, report, false);
  expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json', 'report.md', 'soak-memory.vl.json']);
  expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toMatchObject({ kind: 'soak', orders: { sent: 40, final: 40 } });
  rmSync(dir, { recursive: true });
}, 120_000);

test('bench --soak: one style at a time; --json prints the report; SIGINT stops it with 130 and leaves no temporary data', async () => {
  const reports = privateTmp();
  const two = await startCli(['bench', '--soak', '2s', '--variants', 'http,hybrid', '--report-dir', reports]).done;
  expect(two.code).toBe(2);
  expect(two.stderr).toContain('one style at a time');
  const stray = await startCli(['bench', '--idle', '5s', '--variants', 'http', '--report-dir', reports]).done;
  expect(stray.code).toBe(2);
  expect(stray.stderr).toContain('--idle goes with --soak');
  const json = await startCli(['bench', '--soak', '2s', '--rate', '5', '--idle', '1s', '--sample-every', '1s', '--users', '2', '--variants', 'http', '--json', '--report-dir', reports]).done;
  expect(json.code).toBe(0);
  const printed = JSON.parse(json.stdout);
  expect(printed).toMatchObject({ kind: 'soak', variant: 'http', rate: 5, orders: { sent: 10, final: 10, pending: 0 }, mallocMmapThreshold: '131072' });
  const tmp = privateTmp();
  const { child, done, stdout } = startCli(['bench', '--soak', '60s', '--rate', '5', '--users', '2', '--report-dir', reports], { TMPDIR: tmp }, 120_000);
  await eventually('the load', stdout, (out) => out.includes('load at 5 orders/s'), 60_000);
  await eventually('its temporary data', () => readdirSync(tmp), (files) => files.length > 0);
  child.kill('SIGINT');
  const { code, stderr } = await done;
  expect(code).toBe(130);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(readdirSync(tmp)).toEqual([]);
  rmSync(tmp, { recursive: true });
  rmSync(reports, { recursive: true, force: true });
}, 240_000);
