import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scenarioDiagrams, type ActionDiagram } from '../../src/diagrams/scenario-diagrams.js';
import type { Scenario } from '../../src/scenarios/scenario-schema.js';
import { runScenario } from '../../src/scenarios/runner.js';
import type { RunningSystem } from '../../src/system/boot.js';
import { variants } from '../../src/variants/index.js';
import { arrange, diagramArrows } from '../../src/scenarios/flow-check.js';
import { placements, variantsPlaced, type Placement } from './transports.js';

const GOLDEN = join(import.meta.dirname, '../golden');
const update = process.env.UPDATE_GOLDEN === '1';
/** The scenarios whose diagrams are checked against the golden files on every run. */
export const DRAWN = ['happy-path', 'insufficient-funds', 'saga-delivery-fails'];

/**
 * Every scenario on every style in each of `where`, one boot per style and placement; on the same run
 * the diagrams of DRAWN are checked against the golden files and the happy path's hops against the
 * style's reference flows. `onOrderDiagram` gets each style's happy-path order diagram from the first placement.
 * `UPDATE_GOLDEN=1` writes the golden files anew from the first placement (the in-process broker).
 */
export function everyScenarioIn(where: readonly Placement[], scenarios: readonly Scenario[], onOrderDiagram?: (variant: string, diagram: ActionDiagram) => void): void {
  const placed = variantsPlaced(variants).filter(({ placement }) => where.includes(placement));
  describe.each(placed.map(({ variant, placement }) => [variant.name, placement.name, variant, placement] as const))(
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
        if (scenario.name === 'happy-path' && placementName === placements[0].name) onOrderDiagram?.(name, drawn.get(scenario.name)![4]);
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
}
