import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { variants } from '../../src/variants/index.js';
import { CHROMIUM_ARGS, findChromium } from '../../src/diagrams/renderer.js';
import { cli, privateTmp } from '../support/cli.js';

/** A scenario that fails at its second step, one that passes, and a small crowd (20 orders). */
function writeScenarios(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'broken.yaml'),
    'title: Fails at its second step\nsteps:\n  - register: zoe\n  - login: zoe\n    expect: { answer: 418 }\n  - deposit: { user: zoe, amount: 10 }\n',
  );
  writeFileSync(
    join(dir, 'fine.yaml'),
    'title: Registers, tops up and orders\nsteps:\n  - register: ann\n  - login: ann\n  - deposit: { user: ann, amount: 100 }\n  - order: { user: ann, price: 60 }\n    expect: { answer: 201 }\n    except:\n      hybrid: { answer: 202 }\n',
  );
  writeFileSync(
    join(dir, 'concurrent-orders.yaml'),
    'title: A small crowd orders at once\nsteps:\n  - crowd: { users: 4, deposit: 100, orders: 5, prices: [5, 10, 15, 20, 30] }\n    expect: { answers: [201, 422] }\n    except:\n      hybrid: { answers: [202] }\n  - check: [money-conserved, orders-final, one-notification-per-order]\n    eventually: 10s\n',
  );
}

/** The pictures of the tab on show: drawn, at what width, and where a click on them goes. */
const visiblePictures = (page: Page) =>
  page.$$eval('.panel img', (imgs: any[]) =>
    imgs
      .filter((img) => img.offsetParent !== null)
      .map((img) => ({ drawn: img.complete && img.naturalWidth > 0, natural: img.naturalWidth, shown: img.getBoundingClientRect().width, href: img.closest('a')?.getAttribute('href') ?? '' })),
  );

describe('the report of a run', () => {
  test('a failing run says at the top which step failed and why; every variant has a tab of legible pictures, the crowd too', async () => {
    const scenarios = privateTmp();
    const reports = privateTmp();
    writeScenarios(scenarios);
    const { code, stdout } = await cli(['run', '--variant=all', '--scenarios-dir', scenarios, '--report-dir', reports], {}, 170_000);
    expect(code, stdout).toBe(1);
    expect(stdout).toContain('What did not hold');
    const index = /Report: (\S+index\.html)/.exec(stdout)![1];

    const summary = readFileSync(join(dirname(index), 'summary.md'), 'utf8');
    expect(summary.indexOf('## What did not hold')).toBeGreaterThan(0);
    expect(summary.indexOf('## What did not hold')).toBeLessThan(summary.indexOf('## Scenarios'));
    expect(summary).toContain('**http › broken › step 2 log in as zoe**');
    expect(summary).toContain('  - expected: answer 418');
    expect(summary).toContain('  - seen: answer 200');
    const decision = join(dirname(index), 'decision.html');
    expect(stdout).toContain(`Decision page: ${decision}`);
    expect(summary).toContain('[the decision page](decision.html)');
    const decisionMd = readFileSync(join(dirname(index), 'decision.md'), 'utf8');
    expect(decisionMd).toContain('| **order, paid** | first answer |');
    expect(decisionMd).toMatch(/not ranked — different paths: [a-z, -]*hybrid[a-z, -]* 202 \(accepted, outcome later\)/);
    expect(decisionMd).toMatch(/Ranked over 3 clean scenarios: (broken|concurrent-orders|fine), /);

    const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
      await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
      expect(await page.textContent('h1')).toContain('some expectations did not hold');

      const failures = page.locator('#failures');
      await expect.poll(() => failures.isVisible()).toBe(true);
      expect((await failures.boundingBox())!.y).toBeLessThan(200);
      const said = (await failures.innerText()).replace(/\s+/g, ' ');
      for (const { name } of variants) expect(said).toContain(`${name} › broken › step 2 log in as zoe`);
      expect(said).toContain('expected answer 418');
      expect(said).toContain('seen answer 200');
      expect(said).toContain('problems answer: expected 418, got 200');

      const shot = join(reports, 'report.png');
      await page.screenshot({ path: shot });
      expect(statSync(shot).size).toBeGreaterThan(50_000);

      for (const variant of ['http', 'hybrid']) {
        await page.click(`label[for=tab-${variant}]`);
        const pictures = await visiblePictures(page);
        // The style's topology; broken: 3 steps, fine: 4, the crowd's one representative order.
        expect(pictures).toHaveLength(1 + 3 + 4 + 1);
        expect(pictures.filter((p) => !p.drawn)).toEqual([]);
        for (const p of pictures) {
          expect(p.natural).toBeGreaterThan(400);
          expect(p.shown).toBeGreaterThanOrEqual(p.natural - 1);
          expect(p.href).toMatch(new RegExp(`^${variant}/.+\\.svg$`));
        }
        const crowd = page.locator(`#${variant}--concurrent-orders`);
        expect(await crowd.locator('img').count()).toBe(1);
        expect(await crowd.innerText()).toContain('one representative order of 20: the median by client latency');
      }
      expect(await page.locator('#http--broken a:text("Mermaid source")').first().getAttribute('href')).toBe('http/broken/01-register.mmd');

      expect(await page.getAttribute('a[href="decision.html"]', 'href')).toBe('decision.html');
      const decisionPage = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await decisionPage.goto(pathToFileURL(decision).href, { waitUntil: 'load' });
      expect(await decisionPage.$$eval('table.side tr', (rows) => rows.length)).toBeGreaterThan(5);
      expect(await decisionPage.$$eval('table.side th', (th) => th.map((h) => h.textContent))).toEqual(['client action', 'measure', ...variants.map((v) => v.name), 'ranked?']);
      expect(await decisionPage.locator('table.coupling').isVisible()).toBe(true);
      expect(await decisionPage.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1400);
      const decisionShot = join(reports, 'decision.png');
      await decisionPage.screenshot({ path: decisionShot, fullPage: true });
      expect(statSync(decisionShot).size).toBeGreaterThan(50_000);

      await page.click('#hybrid--broken img >> nth=0');
      await page.waitForURL(/\.svg$/);
      expect(page.url()).toMatch(/hybrid\/broken\/01-register\.svg$/);
    } finally {
      await browser.close();
    }
    rmSync(scenarios, { recursive: true });
    rmSync(reports, { recursive: true });
  }, 180_000);

  test('run --repeat 2 --warmup: every latency over n=2 samples, the warm-up discarded; --repeat must be a whole number ≥ 1', async () => {
    const { code, stdout } = await cli(['run', '--variant=hybrid', '--scenario', 'happy-path', '--repeat', '2', '--warmup', '--json', '--quiet', '--no-report']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.repeats).toBe(2);
    const [hybrid] = result.variants;
    expect(hybrid.warmup.passed).toBe(true);
    const order = hybrid.actions.find((a: { kind: string }) => a.kind === 'order');
    expect(order.n).toBe(2);
    expect(order.latencyMs.n).toBe(2);
    expect(order.latencyMs.min).toBeLessThanOrEqual(order.latencyMs.median);
    expect(order.latencyMs.median).toBeLessThanOrEqual(order.latencyMs.max);
    expect(hybrid.actions.find((a: { kind: string }) => a.kind === 'balance').n).toBe(4);
    expect(hybrid.actions.some((a: { kind: string }) => a.kind.startsWith('check'))).toBe(false);
    const [scenario] = hybrid.scenarios;
    expect(scenario.repeats.map((r: { repeat: number; passed: boolean }) => [r.repeat, r.passed])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(scenario.msSpread.n).toBe(2);

    for (const bad of ['0', '1.5', 'two']) {
      const refused = await cli(['run', '--variant=hybrid', '--repeat', bad, '--no-report']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('must be a whole number of at least 1');
    }
  });
});
