import chalk from 'chalk';
import { Command } from 'commander';
import { BUILTIN_SCENARIOS, loadScenarios } from '../scenarios/load.js';

export function scenariosCommand(): Command {
  return new Command('scenarios')
    .description('list the scenarios, one line each')
    .option('--scenarios-dir <dir>', 'read scenario files from this directory', BUILTIN_SCENARIOS)
    .option('--json', 'print the list as JSON')
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
