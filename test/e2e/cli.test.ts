import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../src/diagrams/renderer.js';
import { describe, expect, test } from 'vitest';
import { loadScenarios } from '../../src/scenarios/load.js';
import { variants } from '../../src/variants/index.js';
import { cli, privateTmp, startCli } from '../support/cli.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

const scenarios = await loadScenarios();

/** The scenarios the built CLI runs on every style here: one plain, one saga with its compensations, one with a fault (every scenario on every style is run in-process by scenarios-one-process.test.ts). */
const PICKED = ['happy-path', 'saga-cancel-early', 'fault-notification-down'];
/** A bound on a stuck run, not a measure of speed: a loaded machine takes several times an idle one's 30 s. */
const RUN_BOUND_MS = 600_000;

describe('orderctl as a user runs it', () => {
  test('run --variant=all --json: the picked scenarios hold on every variant, stdout is only JSON, nothing left behind', async () => {
    const tmp = privateTmp();
    const reports = privateTmp();
    const { code, stdout, stderr } = await cli(['run', '--variant=all', '--json', '--report-dir', reports, '--no-render', ...PICKED.flatMap((s) => ['--scenario', s])], { TMPDIR: tmp }, RUN_BOUND_MS);
    expect(stderr).not.toContain('orderctl:');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.passed).toBe(true);
    expect(result.variants.map((v: { variant: string }) => v.variant)).toEqual(variants.map((v) => v.name));
    for (const variant of result.variants) {
      expect(variant.scenarios.map((s: { name: string }) => s.name).sort()).toEqual(scenarios.filter((s) => PICKED.includes(s.name)).map((s) => s.name).sort());
      expect(variant.scenarios.every((s: { passed: boolean }) => s.passed)).toBe(true);
      const order = variant.actions.find((a: { kind: string }) => a.kind === 'order');
      expect(order.http).toBeGreaterThanOrEqual(1);
    }
    const byName = Object.fromEntries(result.variants.map((v: any) => [v.variant, v.actions.find((a: any) => a.kind === 'order')]));
    expect(byName.http.messages).toBe(0);
    expect(byName['event-collaboration'].messages).toBeGreaterThan(0);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(result.report.dir).sort()).toEqual([...variants.map((v) => v.name), 'decision.html', 'decision.md', 'index.html', 'mermaid.min.js', 'recording.json', 'saga-lifecycle.mmd', 'summary.md'].sort());
    expect(readdirSync(join(result.report.dir, 'sync-billing'))).toContain('topology.mmd');
    expect(readdirSync(join(result.report.dir, 'hybrid', 'happy-path'))).toContain('05-order.mmd');
    rmSync(tmp, { recursive: true });
    rmSync(reports, { recursive: true });
  }, RUN_BOUND_MS + 10_000);

  test('the HTML report of a run opens in headless Chromium with every diagram drawn', async () => {
    const reports = privateTmp();
    const { code, stdout } = await cli(['run', '--variant=all', '--scenario', 'happy-path', '--report-dir', reports], {}, RUN_BOUND_MS);
    expect(code).toBe(0);
    const index = /Report: (\S+index\.html) \((\d+) diagrams, (\d+) distinct pictures/.exec(stdout);
    expect(index, stdout).not.toBeNull();
    // Nine client actions in happy-path, for each style.
    expect(Number(index![2])).toBe(variants.length * 9);
    const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.goto(pathToFileURL(index![1]).href, { waitUntil: 'load' });
      const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ src: img.getAttribute('src'), drawn: img.complete && img.naturalWidth > 0 })));
      // Each style's tab: its topology, then the nine diagrams; and the saga's lifecycle once.
      expect(images).toHaveLength(variants.length * (1 + 9) + 1);
      expect(images.filter((i) => i.src?.endsWith('saga-lifecycle.svg'))).toHaveLength(1);
      expect(images.filter((i) => i.src?.endsWith('/topology.svg'))).toHaveLength(variants.length);
      expect(images.filter((i) => !i.drawn)).toEqual([]);
      expect(await page.textContent('h1')).toContain('all expectations held');
      const shot = join(reports, 'report.png');
      await page.screenshot({ path: shot, fullPage: false });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
    expect(readFileSync(join(dirname(index![1]), 'summary.md'), 'utf8')).toContain('| happy-path | ✓ 10/10');
    rmSync(reports, { recursive: true });
  }, RUN_BOUND_MS + 60_000);

  test('without Chromium, the run report draws its diagrams itself: each one shown is an SVG in the page, the folded ones when opened', async () => {
    const reports = privateTmp();
    const { code, stdout } = await cli(['run', '--variant=hybrid', '--scenario', 'happy-path', '--scenario', 'bad-input', '--report-dir', reports], { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' }, RUN_BOUND_MS);
    expect(code).toBe(0);
    expect(stdout).toContain('no Chromium found');
    const index = /Report: (\S+index\.html)/.exec(stdout)![1];
    expect(readdirSync(dirname(index))).toContain('mermaid.min.js');
    const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
      expect(await page.$$('img')).toHaveLength(0);
      const drawn = () => page.$$eval('pre.mermaid', (pres) => pres.map((p) => ({ shown: (p as unknown as { offsetParent: unknown }).offsetParent !== null && !p.closest('details:not([open])'), svg: p.querySelector('svg')?.getBoundingClientRect().width ?? 0 })));
      const allShownDrawn = "[...document.querySelectorAll('pre.mermaid')].every((p) => p.offsetParent === null || p.closest('details:not([open])') || p.querySelector('svg'))";
      // Open: the saga's lifecycle, hybrid's topology and happy-path's nine actions; bad-input (dozens of actions) starts folded.
      await page.waitForFunction(allShownDrawn);
      const open = await drawn();
      expect(open.filter((d) => d.shown).length).toBe(11);
      expect(open.filter((d) => d.shown && d.svg < 100)).toEqual([]);
      expect(open.filter((d) => !d.shown)).not.toEqual([]);
      expect(open.filter((d) => !d.shown && d.svg > 0)).toEqual([]);
      await page.click('#hybrid--bad-input summary');
      await page.waitForFunction(allShownDrawn);
      const all = await drawn();
      expect(all.filter((d) => !d.shown)).toEqual([]);
      expect(all.filter((d) => d.svg < 100)).toEqual([]);
      expect(await page.textContent('body')).not.toMatch(/Syntax error/);
      expect(errors).toEqual([]);
      const shot = join(reports, 'in-page.png');
      await page.screenshot({ path: shot, fullPage: false });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await browser.close();
    }
    rmSync(reports, { recursive: true });
  }, RUN_BOUND_MS + 60_000);

  test('without Chromium, diagram still writes the Mermaid text and says in one line how to get pictures', async () => {
    const out = privateTmp();
    const { code, stdout } = await cli(['diagram', '--variant=http', '--scenario=happy-path', '--out', out], { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' });
    expect(code).toBe(0);
    expect(stdout).toContain('no Chromium found, so only the .mmd files were written (a report page draws them itself in the browser): apt-get install chromium');
    const files = readdirSync(join(out, 'http', 'happy-path'));
    expect(files.length).toBe(9);
    expect(files.every((f) => f.endsWith('.mmd'))).toBe(true);
    rmSync(out, { recursive: true });
  });

  test('run --broker: the same results over RabbitMQ, and one clear line when it is unreachable', async () => {
    const url = await rabbitmqUrl();
    const [memory, rabbit] = await Promise.all([
      cli(['run', '--variant=event-collaboration', '--json', '--quiet', '--no-report', ...PICKED.flatMap((s) => ['--scenario', s])], {}, RUN_BOUND_MS),
      cli(['run', '--variant=event-collaboration', '--json', '--quiet', '--no-report', '--broker', url, ...PICKED.flatMap((s) => ['--scenario', s])], {}, RUN_BOUND_MS),
    ]);
    expect(memory.code).toBe(0);
    expect(rabbit.code).toBe(0);
    const outcome = (stdout: string) => JSON.parse(stdout).variants[0].scenarios.map((s: any) => [s.name, s.steps.map((step: any) => step.passed)]);
    expect(outcome(rabbit.stdout)).toEqual(outcome(memory.stdout));
    expect(JSON.parse(rabbit.stdout).broker).toBe(url.replace(/:[^:@/]*@/, ':***@'));

    const down = await cli(['run', '--variant=hybrid', '--broker', 'amqp://guest:secret@127.0.0.1:1'], {}, 60_000);
    expect(down.code).toBe(3);
    expect(down.stderr.trim()).toBe('orderctl: cannot reach RabbitMQ at amqp://guest:***@127.0.0.1:1 (ECONNREFUSED): start it with "rabbitmq-server -detached" or pass another --broker URL');
    const wrong = await cli(['run', '--broker', 'http://localhost']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('must be an amqp:// or amqps:// URL');
  }, RUN_BOUND_MS + 10_000);

  test('a scenario that does not hold makes run exit 1 and say which step; --junit names it for a CI server', async () => {
    const dir = privateTmp();
    writeFileSync(join(dir, 'broken.yaml'), 'title: broken\nsteps:\n  - register: zoe\n    expect: { answer: 418 }\n');
    writeFileSync(join(dir, 'fine.yaml'), 'title: fine <&>\nsteps:\n  - register: ann\n    expect: { answer: 201 }\n');
    const junit = join(dir, 'ci', 'junit.xml');
    const { code, stdout } = await cli(['run', '--variant=http', '--scenarios-dir', dir, '--no-report', '--junit', junit]);
    expect(code).toBe(1);
    expect(stdout).toContain('answer: expected 418, got 201');
    expect(stdout).toContain(`JUnit XML: ${junit}`);
    const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase', 'failure'].includes(name) }).parse(readFileSync(junit, 'utf8'));
    expect(xml.testsuites).toMatchObject({ '@_tests': '2', '@_failures': '1' });
    const [suite] = xml.testsuites.testsuite;
    expect(suite).toMatchObject({ '@_name': 'http', '@_tests': '2', '@_failures': '1' });
    const byName = Object.fromEntries(suite.testcase.map((c: { '@_name': string }) => [c['@_name'], c]));
    expect(byName.fine.failure).toBeUndefined();
    expect(byName.fine['system-out']).toBe('fine <&>');
    expect(byName.broken.failure).toHaveLength(1);
    expect(byName.broken.failure[0]['@_message']).toMatch(/^step 1 register zoe: .*expected 418, got 201/);
    expect(byName.broken.failure[0]['#text']).toContain('expected: answer 418');
    const unwritable = await cli(['run', '--variant=http', '--scenarios-dir', dir, '--no-report', '--junit', '/proc/nope/junit.xml']);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('cannot write reports in /proc/nope');
    expect(unwritable.stderr).toContain('pass another --junit');
    // A scenario file of one's own, by its path, next to a built-in one by name.
    const own = await cli(['run', '--variant=http', '--scenario', join(dir, 'fine.yaml'), '--scenario', 'insufficient-funds', '--no-report', '--json', '--quiet']);
    expect(own.code).toBe(0);
    expect(JSON.parse(own.stdout).variants[0].scenarios.map((s: { name: string; passed: boolean }) => [s.name, s.passed])).toEqual([
      ['fine', true],
      ['insufficient-funds', true],
    ]);
    const missing = await cli(['run', '--variant=http', '--scenario', join(dir, 'none.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('none.yaml');
    rmSync(dir, { recursive: true });
  });

  test('usage errors exit 2 with a clear line', async () => {
    const unknownVariant = await cli(['run', '--variant=grpc']);
    expect(unknownVariant.code).toBe(2);
    expect(unknownVariant.stderr).toContain('http, event-notification, event-collaboration, hybrid');
    const noFolder = await cli(['run', '--scenarios-dir', '/no/such/folder']);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain('cannot read scenarios from /no/such/folder: no such folder');
    const fileAsDataDir = await cli(['run', '--variant=hybrid', '--data-dir', '/etc/hostname', '--broker', await rabbitmqUrl()], {}, 30_000);
    expect(fileAsDataDir.code).toBe(2);
    expect(fileAsDataDir.stderr).toContain('cannot keep the databases in /etc/hostname (not a folder): pass another --data-dir');
    const unknownScenario = await cli(['run', '--variant=http', '--scenario', 'nope']);
    expect(unknownScenario.code).toBe(2);
    expect(unknownScenario.stderr).toContain('unknown scenario "nope" (known: bad-input, concurrent-orders');
    expect(unknownScenario.stderr).toContain("or give a scenario file's path");
  });

  test('scenarios lists one line per scenario; --help explains the commands', async () => {
    const list = await cli(['scenarios']);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(scenarios.length);
    expect(list.stdout).toContain('happy-path');
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['run', 'serve', 'scenarios']) expect(help.stdout).toContain(command);
  });

  test('Ctrl-C during run closes the system, removes its files and exits 130', async () => {
    const tmp = privateTmp();
    const run = startCli(['run', '--variant=hybrid', '--scenario', 'concurrent-orders', '--no-report'], { TMPDIR: tmp });
    const started = Date.now();
    while (readdirSync(tmp).length === 0 && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(130);
    expect(stdout).toContain('SIGINT: shutting down');
    expect(stderr).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
  });

  test('serve keeps the system up for outside clients and shuts down cleanly on SIGTERM', async () => {
    const tmp = privateTmp();
    const serve = startCli(['serve', '--variant=hybrid', '--port', '0'], { TMPDIR: tmp });
    const started = Date.now();
    while (!/Gateway: (\S+)/.test(serve.stdout()) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 50));
    const gateway = /Gateway: (\S+)/.exec(serve.stdout())![1];
    const answer = await fetch(`${gateway}/identity/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'outside@example.test', password: 'outside-pass' }) });
    expect(answer.status).toBe(201);
    expect(readdirSync(tmp)).toHaveLength(1);
    serve.child.kill('SIGTERM');
    const { code, stdout } = await serve.done;
    expect(code).toBe(0);
    expect(stdout).toContain('Stopped');
    await expect(fetch(`${gateway}/identity/profile`)).rejects.toThrow();
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
  });
});
