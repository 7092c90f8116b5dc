import { Command } from 'commander';
import { createRequire } from 'node:module';
import { reportError } from './cli-error.js';
import { addVariantsDir, variants } from '../variants/index.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * Every command, in the order help lists them, each loaded from its own module only when needed: a
 * process that runs one command (a service process of --processes above all) loads only what that
 * command uses, not charts, Kubernetes models and prompts too.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).runCommand(),
  serve: async () => (await import('./serve.js')).serveCommand(),
  scenarios: async () => (await import('./scenarios.js')).scenariosCommand(),
  diagram: async () => (await import('./diagram.js')).diagramCommand(),
  bench: async () => (await import('./bench.js')).benchCommand(),
  evidence: async () => (await import('./evidence.js')).evidenceCommand(),
  explore: async () => (await import('./explore.js')).exploreCommand(),
  walk: async () => (await import('./walk.js')).walkCommand(),
  parked: async () => (await import('./parked.js')).parkedCommand(),
  variants: async () => (await import('./variants.js')).variantsCommand(),
  deploy: async () => (await import('./deploy.js')).deployCommand(),
};

/** The CLI for `argv`: with only the command it names, or with every command (help, a misspelt command, none). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const named = argv[2];
  const names = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  const commands = await Promise.all(names.map((name) => COMMANDS[name]()));
  const program = new Command('orderctl')
    .description('Boot one online-shop order system in interchangeable interaction styles, run scenarios against it, and see what really flowed.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of commands) program.addCommand(command);
  program
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
    await (await buildProgram(argv)).parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error);
    // A process the harness forked (--processes) keeps its IPC channel open: end it with its code (stderr, a pipe, is written synchronously).
    if (process.connected) process.exit();
  }
}
