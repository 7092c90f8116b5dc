import chalk from 'chalk';
import { Command } from 'commander';
import { loadScenarios } from '../scenarios/load.js';
import { scenariosDirOption } from './options.js';

export function scenariosCommand(): Command {
  return new Command('scenarios')
    .description('list the scenarios, one line each')
    .addOption(scenariosDirOption())
    .option('--json', 'print the list as JSON')
    .addHelpText('after', '\nExamples:\n  $ orderctl scenarios\n  $ orderctl scenarios --scenarios-dir ./my-scenarios --json')
    .action(async (options: { scenariosDir: string; json?: boolean }) => {
      const scenarios = await loadScenarios(options.scenariosDir);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(scenarios.map((s) => ({ name: s.name, title: s.title, steps: s.steps.length, file: s.file })), null, 2)}\n`);
        return;
      }
      const width = Math.max(...scenarios.map((s) => s.name.length));
      for (const s of scenarios) process.stdout.write(`${chalk.bold(s.name.padEnd(width))}  ${s.title} ${chalk.dim(`(${s.steps.length} steps)`)}\n`);
    });
}
