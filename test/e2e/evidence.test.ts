import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../src/diagrams/renderer.js';
import { figureOf } from '../../src/evidence/conditions.js';
import { ruleInput } from '../../src/evidence/evidence-judge.js';
import { evidenceSchema } from '../../src/evidence/evidence-schema.js';
import { judge } from '../../src/evidence/rules.js';
import { cli, privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';

const reportDir = (stderr: string) => /Report: (\S+)evidence\.html/.exec(stderr)![1];
const TINY = ['--repeat=1', '--orders=3', '--latency-steps=0,10', '--slow-ms=100', '--sagas=1', '--client-seconds=0.5', '--reply-timeout=1'];

test('a short evidence run on three styles: its JSON fits the schema, its verdicts follow from its figures, its page draws every chart', async () => {
  const tmp = privateTmp();
  const reports = privateTmp();
  const { code, stdout, stderr } = await cli(['evidence', '--variants=http,hybrid,choreography', ...TINY, '--scale-rate=90', '--report-dir', reports, '--json'], { TMPDIR: tmp }, 180_000);
  // A replica option without --processes is said to do nothing here, and nothing else is said.
  expect(stderr.split('\n').filter((l) => l.includes('orderctl:'))).toEqual(['orderctl: note: --scale-rate applies to the replica experiment only, which runs with --processes']);
  expect(code).toBe(0);
  const report = evidenceSchema.parse(JSON.parse(stdout));
  const dir = reportDir(stderr);
  expect(evidenceSchema.parse(JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')))).toEqual(report);
  const jsonSchema = JSON.parse(readFileSync(join(dir, 'evidence.schema.json'), 'utf8'));
  expect(jsonSchema.$schema).toContain('json-schema.org');
  expect(Object.keys(jsonSchema.properties)).toEqual(expect.arrayContaining(['claims', 'experiments', 'settings']));
  expect(readdirSync(tmp)).toEqual([]);

  expect(report.styles.map((s) => s.name)).toEqual(['http', 'hybrid', 'choreography']);
  expect(report.claims.map((c) => c.id)).toEqual(['H1', 'H2', 'H3', 'H4', 'N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'C1', 'C2', 'C3', 'C4', 'C5', 'Y1', 'Y2', 'Y3', 'Y4', 'S1', 'S2', 'G1', 'G2', 'G3', 'G4']);
  for (const experiment of report.experiments) {
    if (experiment.id === 'billing-replicas') {
      expect(experiment.skipped).toMatch(/^not run: it needs one OS process per service/);
      expect(experiment.results).toEqual([]);
      continue;
    }
    expect(experiment.results.map((r) => r.style)).toEqual(['http', 'hybrid', 'choreography']);
    for (const result of experiment.results) {
      expect(result.repeats).toHaveLength(1);
      for (const measure of experiment.measures) if (result.figures[measure.id]) expect(result.figures[measure.id].n).toBe(1);
    }
  }

  // Every verdict, re-derived from the figures in the JSON by the rules the report states.
  for (const claim of report.claims) {
    for (const { style, verdict } of claim.perStyle) expect(judge(claim.id, ruleInput(report, style))).toEqual(verdict);
    const own = claim.perStyle.find((p) => p.style === claim.style);
    expect(claim.verdict).toEqual(own ? own.verdict : { kind: 'not-judged', text: expect.stringContaining(`${claim.style} was not among the chosen styles`) });
    expect(claim.chart).toBe(`claim-${claim.id}`);
  }
  // The one-figure rules, by hand: C2 (no reads), C3 (a copy per registration), G2 (no caller→callee pair in the saga), Y3 (billing calls nobody).
  const byHand: Record<string, (f: (id: string) => number | undefined) => boolean> = {
    C2: (f) => f('readsPerRequest') === 0,
    C3: (f) => f('copiesPerRegistration')! >= 1,
    G2: (f) => f('sagaRestPeers') === 0,
    Y3: (f) => f('billingCallsPerOrder') === 0,
  };
  for (const [id, holds] of Object.entries(byHand)) {
    for (const { style, verdict } of report.claims.find((c) => c.id === id)!.perStyle) {
      const figures = ruleInput(report, style).own;
      expect(verdict.kind).toBe(holds((m) => figureOf(figures, m)) ? 'holds' : 'does-not-hold');
    }
  }
  // What every run of these styles shows, whatever the machine: http answers with the outcome, hybrid with 202.
  const f = (style: string, id: string) => figureOf(ruleInput(report, style).own, id);
  expect([f('http', 'definiteShare'), f('hybrid', 'definiteShare')]).toEqual([1, 0]);
  expect([f('http', 'messagesPerOrder'), f('hybrid', 'correlationPerRequest')]).toEqual([0, 0]);
  // G4: http undoes a cancelled saga by REST calls declared on three links; the choreography by messages on its one order-status link. Both undo every step done.
  expect([f('http', 'cancelReachedShare'), f('choreography', 'cancelReachedShare')]).toEqual([1, 1]);
  expect(f('http', 'cancelRestCalls')).toBeGreaterThanOrEqual(2);
  expect([f('http', 'cancelMessages'), f('http', 'undoPlaces')]).toEqual([0, 3]);
  expect([f('choreography', 'cancelRestCalls'), f('choreography', 'undoPlaces')]).toEqual([0, 1]);
  expect(f('choreography', 'cancelMessages')).toBeGreaterThanOrEqual(1);
  const notes = (experiment: string, style: string) => report.experiments.find((e) => e.id === experiment)!.results.find((r) => r.style === style)!.notes;
  expect([notes('declaration', 'http').undoPlaces, notes('declaration', 'choreography').undoPlaces]).toEqual(['dispatch, payment, reservation', 'saga']);
  expect(notes('order-saga', 'choreography').cancelServices).toBe('billing, delivery, order, stock');
  // G3: with the broker cut, orders complete in http (it has none) and in the choreography (they wait in the outbox); an order placed while
  // the order service is stopped is refused in both (the gateway hands it over by REST): the one single point of failure; all stays consistent.
  for (const style of ['http', 'choreography']) {
    expect([f(style, 'completedWithout:broker'), f(style, 'completedWithout:order'), f(style, 'singlePoints'), f(style, 'partsStoppedConsistent')]).toEqual([1, 0, 1, 1]);
    expect(notes('parts-stopped', style).singlePoints).toBe('order');
  }
  expect(report.claims.find((c) => c.id === 'G4')!.perStyle.map((p) => p.verdict.kind)).toEqual(['holds-only-when', 'holds-only-when', 'holds']);

  const markdown = readFileSync(join(dir, 'evidence.md'), 'utf8');
  expect(markdown).toContain('## Verdicts');
  expect(markdown).toContain('not run: it needs one OS process per service');
  expect(markdown).toContain('[the decision page](decision.html)');
  expect(stderr).toContain(`Decision page: ${join(dir, 'decision.html')}`);
  const decisionMd = readFileSync(join(dir, 'decision.md'), 'utf8');
  expect(decisionMd).toContain('## The claims on every style');
  expect(decisionMd).toContain(`\n${report.claims.length * 3}. G4 on choreography: `);
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(join(dir, 'evidence.html')).href, { waitUntil: 'load' });
    const charts = await page.$$eval('figure.chart img', (imgs) => imgs.map((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth > 100; }));
    expect(charts).toEqual(report.claims.map(() => true));
    expect(await page.$$eval('.verdict', (v) => v.length)).toBe(report.claims.length);
    expect(await page.textContent('body')).toContain('How a verdict is reached');
    expect(await page.textContent('body')).toContain('"almost all" means at least 90%');

    await page.goto(pathToFileURL(join(dir, 'decision.html')).href, { waitUntil: 'load' });
    const cells = await page.$$eval('table.matrix td.v', (tds) => tds.map((td) => [td.textContent, td.getAttribute('title')]));
    expect(cells).toHaveLength(report.claims.length * 3);
    for (const [text, title] of cells) {
      expect(text).toMatch(/^(✓ holds|◐ in part|✗ does not hold|– not tried)$/);
      expect(title).toMatch(/^[A-Z]\d on (http|hybrid|choreography): .+ — .+/);
    }
    expect(await page.$$eval('table.side td.why', (tds) => tds.length)).toBeGreaterThan(5);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1400);
    const shot = join(reports, 'decision.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  } finally {
    await browser.close();
  }
  rmSync(tmp, { recursive: true });
  rmSync(reports, { recursive: true });
}, 240_000);

test('SIGINT during an experiment stops the systems, removes their temporary data and exits 130', async () => {
  const tmp = privateTmp();
  const reports = privateTmp();
  const run = startCli(['evidence', '--variants=hybrid', ...TINY, '--report-dir', reports], { TMPDIR: tmp });
  let progress = '';
  run.child.stderr!.on('data', (d) => (progress += d));
  await eventually('the first experiment done', () => progress, (text) => text.includes('✓ hybrid · Registrations and orders'));
  run.child.kill('SIGINT');
  const { code, stderr } = await run.done;
  expect(code).toBe(130);
  expect(stderr).toContain('SIGINT: shutting down');
  expect(stderr).not.toMatch(/orderctl:|at .*\.js:\d+/);
  expect(readdirSync(tmp)).toEqual([]);
  expect(readdirSync(reports)).toEqual([]);
  rmSync(tmp, { recursive: true });
  rmSync(reports, { recursive: true });
}, 120_000);

test('bad evidence options are refused in one line with exit 2', async () => {
  for (const bad of [['--repeat=0'], ['--latency-steps=0'], ['--orders=x'], ['--variants=nope']]) {
    const { code, stderr } = await cli(['evidence', ...bad]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(stderr.includes('run with --help') ? 2 : 1);
  }
});
