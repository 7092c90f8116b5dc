import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openRenderer, type Renderer } from '../../src/diagrams/renderer.js';
import { scenarioDiagrams, type ActionDiagram } from '../../src/diagrams/scenario-diagrams.js';
import { PARTICIPANTS } from '../../src/diagrams/sequence-diagram.js';
import { loadScenarios } from '../../src/scenarios/load.js';
import { runScenario } from '../../src/scenarios/runner.js';
import type { RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { diagramArrows } from '../support/diagram-arrows.js';
import { arrange } from '../support/reference-flows.js';
import { placements, variantsPlaced } from '../support/transports.js';

// Every scenario on every style in every placement, one boot each; the diagrams of two of them are
// checked on the same run against the golden files and the reference flows.
// `UPDATE_GOLDEN=1 npx vitest run test/e2e/scenarios.test.ts` writes the golden files anew (from the in-process broker).
const GOLDEN = join(import.meta.dirname, '../golden');
const update = process.env.UPDATE_GOLDEN === '1';
const DRAWN = ['happy-path', 'insufficient-funds', 'saga-delivery-fails'];
const scenarios = await loadScenarios();
/** The order diagram of each style's happy path in the first placement, rendered once the runs are done. */
const orderDiagrams = new Map<string, ActionDiagram>();

let renderer: Renderer | undefined;
beforeAll(async () => {
  renderer = await openRenderer();
});
afterAll(() => renderer?.close());

describe.each(variantsPlaced(variants).map(({ variant, placement }) => [variant.name, placement.name, variant, placement] as const))(
  'every scenario on %s, %s',
  (name, placementName, variant, placement) => {
    let system: RunningSystem;
    const drawn = new Map<string, ActionDiagram[]>();
    beforeAll(async () => {
      system = await placement.boot(variant);
    });
    afterAll(() => system.close());

    test.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_scenario, scenario) => {
      const result = await runScenario(system, scenario);
      const failed = result.steps.filter((s) => !s.passed).map((s) => `step ${s.index} ${s.title}: ${s.problems.join('; ')}`);
      expect(failed).toEqual([]);
      expect(result.steps).toHaveLength(scenario.steps.length);
      expect(result.passed).toBe(true);
      if (DRAWN.includes(scenario.name)) drawn.set(scenario.name, scenarioDiagrams(result, system.recorder));
      if (scenario.name === 'happy-path' && placementName === placements[0].name) orderDiagrams.set(name, drawn.get(scenario.name)![4]);
    });

    test.each(DRAWN)('%s: the same diagrams as the golden files, run after run', (scenario) => {
      const dir = join(GOLDEN, name, scenario);
      const diagrams = drawn.get(scenario)!;
      if (update && placementName === placements[0].name) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        for (const d of diagrams) writeFileSync(join(dir, `${d.name}.mmd`), d.mermaid);
      }
      expect(existsSync(dir)).toBe(true);
      expect(diagrams.map((d) => `${d.name}.mmd`)).toEqual(readdirSync(dir).sort());
      for (const d of diagrams) expect(d.mermaid, d.name).toBe(readFileSync(join(dir, `${d.name}.mmd`), 'utf8'));
    });

    test('registration and order placement are drawn hop by hop as the reference flow says', () => {
      const [register, , , , order] = drawn.get('happy-path')!;
      for (const [diagram, flow] of [
        [register, variant.flows!.registration],
        [order, variant.flows!.order],
      ] as const) {
        const arrows = diagramArrows(diagram.mermaid);
        expect(arrows).toEqual(arrange(flow, arrows));
      }
    });

  },
);

test.each(variants.map((v) => v.name))('the order diagram of %s renders to an SVG that names every participant', async (name) => {
  expect(renderer, 'Chromium is needed to render (apt-get install chromium)').toBeDefined();
  const order = orderDiagrams.get(name)!;
  const svg = new XMLParser({ ignoreAttributes: false }).parse((await renderer!.render(order.mermaid, 'svg')).toString('utf8'));
  expect(svg.svg).toBeDefined();
  const texts = JSON.stringify(svg.svg);
  for (const [id, label] of PARTICIPANTS) if (order.mermaid.includes(`participant ${id} `)) expect(texts).toContain(label);
  expect(texts).toContain('POST /api/v1/ordering/orders');
});

test('the scenario files cover what the harness promises', () => {
  expect(scenarios.map((s) => s.name).sort()).toEqual([
    'bad-input', 'concurrent-orders',
    'fault-billing-slow', 'fault-broker-cut', 'fault-crash-registration', 'fault-notification-down', 'fault-saga-delivery-down',
    'happy-path', 'insufficient-funds', 'order-right-after-registration',
    'saga-cancel-delivering', 'saga-cancel-early', 'saga-delivery-fails', 'saga-happy-path', 'saga-last-items', 'saga-payment-fails', 'saga-reservation-fails',
    'told-by-push',
  ]);
});
