import { Command } from 'commander';
import { createRequire } from 'node:module';
import { benchCommand } from './bench.js';
import { deployCommand } from './deploy.js';
import { reportError } from './cli-error.js';
import { diagramCommand } from './diagram.js';
import { evidenceCommand } from './evidence.js';
import { exploreCommand } from './explore.js';
import { parkedCommand } from './parked.js';
import { runCommand } from './run.js';
import { scenariosCommand } from './scenarios.js';
import { serveCommand } from './serve.js';
import { walkCommand } from './walk.js';
import { variantsCommand } from './variants.js';
import { addVariantsDir, variants } from '../variants/index.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('orderctl')
    .description('Boot one online-shop order system in interchangeable interaction styles, run scenarios against it, and see what really flowed.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addCommand(runCommand())
    .addCommand(serveCommand())
    .addCommand(scenariosCommand())
    .addCommand(diagramCommand())
    .addCommand(benchCommand())
    .addCommand(evidenceCommand())
    .addCommand(exploreCommand())
    .addCommand(walkCommand())
    .addCommand(parkedCommand())
    .addCommand(variantsCommand())
    .addCommand(deployCommand())
    .hook('preAction', (_program, command) => {
      const dir = command.opts().variantsDir as string | undefined;
      if (dir) addVariantsDir(dir);
    })
    .addHelpText(
      'after',
      `
Variants: ${variants.map((v) => v.name).join(', ')}, or a style file of your own (orderctl variants; see README.md).
Exit codes: 0 all expectations held, 1 an expectation failed, 2 usage error, 3 could not run.

Examples:
  $ orderctl run --variant=hybrid
  $ orderctl run --variant=all --json > result.json
  $ orderctl serve --variant=http --port 8080
  $ orderctl diagram --variant=hybrid --scenario=happy-path
  $ orderctl bench --variants=all --duration=10 --connections=32
  $ orderctl walk
  $ orderctl parked --admin http://127.0.0.1:8081`,
    );
  // addCommand() does not pass these settings on: every command throws to main() instead of exiting.
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const command of program.commands.flatMap(all)) command.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/**
 * When the reader of our output goes away (`orderctl run --help | head`), what is still to be written
 * is dropped and the command finishes as usual, with its own exit code and clean-up, instead of
 * dying on EPIPE with a stack trace.
 */
function outliveClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stream.write = (() => true) as typeof stream.write;
    });
  }
}

/** Runs the CLI on `argv`; sets the exit code (0 ok, 1 a check failed, 2 usage, 3 error). */
export async function main(argv: string[]): Promise<void> {
  outliveClosedPipes();
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error);
    // A process the harness forked (--processes) keeps its IPC channel open: end it with its code (stderr, a pipe, is written synchronously).
    if (process.connected) process.exit();
  }
}
