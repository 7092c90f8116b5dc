import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { describeBroker } from '../broker/broker-url.js';
import { NO_CHROMIUM, openTrackedRenderer, type Renderer } from '../diagrams/renderer.js';
import { scenarioDiagrams } from '../diagrams/scenario-diagrams.js';
import { PictureCache, writeDiagrams, type PictureFormat } from '../diagrams/write-diagrams.js';
import { selectScenarios } from '../scenarios/load.js';
import { ApiClient } from '../scenarios/api-client.js';
import { runScenario } from '../scenarios/runner.js';
import { launchSystem, type Placement } from '../system/launch.js';
import { usesBroker } from '../variants/variant.js';
import { CliError, EXIT } from './cli-error.js';
import { brokerOption, variantsDirOption, checkPlacement, processesOption, storeOption, replicasOption, scenariosDirOption, selectVariants, variantOption } from './options.js';
import { closingOnInterrupt } from './shutdown.js';
import { checkWritableFolder } from '../report/report-folder.js';

interface DiagramOptions extends Placement {
  variant: string;
  scenario: string;
  scenariosDir: string;
  out: string;
  format: PictureFormat;
  render: boolean;
  timings?: boolean;
  broker?: string;
}

export function diagramCommand(): Command {
  return new Command('diagram')
    .description('run a scenario and draw one Mermaid sequence diagram per client action from the hops that really flowed')
    .addOption(variantOption(true, 'all'))
    .requiredOption('--scenario <name>', 'scenario to draw, by name or a scenario file\'s path')
    .addOption(scenariosDirOption())
    .option('--out <dir>', 'write into <dir>/<variant>/<scenario>/', 'reports/diagrams')
    .addOption(new Option('--format <format>', 'picture format besides the .mmd text').choices(['svg', 'png']).default('svg'))
    .option('--no-render', 'write only the Mermaid text (no Chromium needed)')
    .option('--timings', 'add each hop\'s duration to its arrow')
    .addOption(variantsDirOption())
    .addOption(brokerOption())
    .addOption(processesOption())
    .addOption(storeOption())
    .addOption(replicasOption())
    .addHelpText('after', '\nExamples:\n  $ orderctl diagram --variant=event-collaboration --scenario=happy-path\n  $ orderctl diagram --variant=all --scenario=insufficient-funds --format png --timings')
    .action(async (options: DiagramOptions) => {
      checkPlacement(options, selectVariants(options.variant));
      const [scenario] = await selectScenarios(options.scenariosDir, [options.scenario]);
      await checkWritableFolder(resolve(options.out), '--out', 'write diagrams');
      const say = (line: string) => process.stdout.write(`${line}\n`);
      let renderer: Renderer | undefined;
      let pictures: PictureCache | undefined;
      let held = true;
      try {
        await closingOnInterrupt(say, async (track) => {
          renderer = options.render ? await openTrackedRenderer(track) : undefined;
          if (options.render && !renderer) say(NO_CHROMIUM);
          pictures = renderer && new PictureCache(renderer);
          for (const variant of selectVariants(options.variant)) {
            const system = await launchSystem(variant, options);
            track(system);
            try {
              const api = new ApiClient(system.gatewayUrl);
              const result = await runScenario(system, scenario, { api });
              held &&= result.passed;
              const dir = resolve(options.out, variant.name, scenario.name);
              const files = await writeDiagrams(dir, scenarioDiagrams(result, system.recorder, { timings: options.timings }, api.actions), pictures, [options.format]);
              say(`${variant.name} on ${describeBroker(options.broker, usesBroker(variant))}: ${files.length} files in ${dir}${result.passed ? '' : ' (some expectations did not hold)'}`);
              for (const file of files) say(`  ${file.slice(dir.length + 1)}`);
            } finally {
              await system.close();
            }
          }
        });
      } finally {
        await renderer?.close();
      }
      if (pictures?.rendered) say(`Rendered ${pictures.rendered} pictures, ${(pictures.ms / pictures.rendered / 1000).toFixed(2)} s each.`);
      if (!held) throw new CliError(`${scenario.name} did not hold everywhere; the diagrams show what happened (orderctl run tells what failed)`, EXIT.failed);
    });
}
