import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openRenderer, type Renderer } from '../../src/diagrams/renderer.js';
import type { ActionDiagram } from '../../src/diagrams/scenario-diagrams.js';
import { PARTICIPANTS } from '../../src/diagrams/sequence-diagram.js';
import { loadScenarios } from '../../src/scenarios/load.js';
import { variants } from '../../src/variants/index.js';
import { everyScenarioIn } from '../support/scenario-matrix.js';
import { smallerCrowds } from '../support/smaller-crowds.js';
import { placements } from '../support/transports.js';

// Every scenario on every style in one process, on the in-process broker and on RabbitMQ (one boot each; on
// RabbitMQ the crowds are of ten customers, see smallerCrowds),
// golden diagrams and reference flows checked on the same runs; scenarios-processes.test.ts does the same
// with one process per service. `UPDATE_GOLDEN=1 npx vitest run test/e2e/scenarios-one-process.test.ts`
// writes the golden files anew (from the in-process broker).
const scenarios = await loadScenarios();
/** The order diagram of each style's happy path on the in-process broker, rendered once the runs are done. */
const orderDiagrams = new Map<string, ActionDiagram>();

let renderer: Renderer | undefined;
beforeAll(async () => {
  renderer = await openRenderer();
});
afterAll(() => renderer?.close());

everyScenarioIn(placements.slice(0, 1), scenarios, (variant, diagram) => orderDiagrams.set(variant, diagram));
everyScenarioIn(placements.slice(1, 2), smallerCrowds(scenarios));

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
