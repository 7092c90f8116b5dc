import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { scriptAsker, terminalAsker } from '../walk/asker.js';
import { walk } from '../walk/walk.js';
import { CliError, EXIT } from './cli-error.js';
import type { Placement } from '../system/launch.js';
import { brokerOption, variantsDirOption, processesOption, storeOption, replicasOption, scenariosDirOption, variantOption } from './options.js';
import { closingOnInterrupt } from './shutdown.js';

/** `orderctl walk`: the interactive walkthrough, at a terminal or from a script of answers. */
export function walkCommand(): Command {
  return new Command('walk')
    .description('walk through the styles interactively: act (the order saga too), step through a scenario, stop or slow services, and see every hop')
    .addOption(variantOption(false, undefined, false))
    .option('--script <file>', 'play the answers from a file, one per line, instead of asking (for CI and demos)')
    .addOption(scenariosDirOption())
    .option('--out <dir>', 'where diagrams of actions go', 'reports/walk')
    .addOption(variantsDirOption())
    .addOption(brokerOption())
    .addOption(processesOption())
    .addOption(storeOption())
    .addOption(replicasOption())
    .addHelpText('after', '\nExamples:\n  $ orderctl walk\n  $ orderctl walk --variant=hybrid\n  $ orderctl walk --variant=hybrid --processes --broker amqp://guest:guest@127.0.0.1:5672\n  $ orderctl walk --variant=http --script walkthrough.txt')
    .action(async (options: Placement & { variant?: string; script?: string; scenariosDir: string; out: string }) => {
      const say = (line: string) => process.stdout.write(`${line}\n`);
      if (!options.script && !process.stdin.isTTY) {
        throw new CliError('walk asks questions, and standard input is not a terminal: run it in a terminal, or play answers from a file with --script FILE', EXIT.usage);
      }
      const script = options.script && (await readFile(options.script, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new CliError(`cannot read the script ${options.script}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a folder' : error.message}`, EXIT.usage);
      }));
      const asker = script !== undefined ? scriptAsker(script, say) : terminalAsker();
      await closingOnInterrupt(say, (track) => walk({ asker, say, variant: options.variant, broker: options.broker, store: options.store, processes: options.processes, replicas: options.replicas, scenariosDir: options.scenariosDir, outDir: options.out, track }));
    });
}
