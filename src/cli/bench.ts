import chalk from 'chalk';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { benchMarkdown, writeBenchFiles } from '../bench/bench-files.js';
import { runBench, type BenchListener } from '../bench/bench-run.js';
import { NO_CHROMIUM, openRenderer } from '../diagrams/renderer.js';
import { timestamp } from '../report/run-report.js';
import { CliError, EXIT } from './cli-error.js';
import { brokerOption, selectVariants } from './options.js';

interface BenchCliOptions {
  variants: string;
  duration: number;
  connections: number;
  users: number;
  rate?: number;
  loadSteps?: number[];
  broker?: string;
  reportDir: string;
  render: boolean;
  json?: boolean;
}

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a number above 0`);
  return n;
};
const count = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a whole number of at least 1`);
  return n;
};

/** A progress bar on a terminal; one line per finished phase everywhere. */
function progress(out: NodeJS.WriteStream): BenchListener {
  const bar = out.isTTY ? new cliProgress.SingleBar({ format: ' {phase} |{bar}| {value}/{total} s · {rps} req/s', stream: out, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  let current = '';
  return {
    phase: (name, seconds) => {
      bar?.stop();
      current = name;
      if (seconds > 0) bar?.start(seconds, 0, { phase: name, rps: 0 });
      else if (!bar) out.write(`${name}…\n`);
    },
    tick: (seconds, requests) => bar?.update(Math.min(Math.round(seconds), bar.getTotal()), { phase: current, rps: Math.round(requests / Math.max(seconds, 0.25)) }),
    phaseDone: (name, summary) => {
      bar?.stop();
      out.write(`${chalk.green('✓')} ${name}: ${summary}\n`);
    },
  };
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('load order placement on each variant with autocannon, next to hello-world baselines, and report')
    .addOption(new Option('--variants <names>', 'comma-separated variants, or all').default('all'))
    .addOption(new Option('--duration <seconds>', 'seconds of load per run').argParser(positive('--duration')).default(10))
    .addOption(new Option('--connections <n>', 'concurrent connections').argParser(count('--connections')).default(32))
    .addOption(new Option('--users <n>', 'customers prepared per system (each request orders as the next one)').argParser(count('--users')).default(64))
    .addOption(new Option('--rate <n>', 'open loop: this many requests per second in all').argParser(positive('--rate')))
    .addOption(
      new Option('--load-steps <rates>', 'comma-separated rates: one extra open-loop run per rate, drawn as latency against load').argParser((v) =>
        v.split(',').map((r) => positive('--load-steps')(r.trim())),
      ),
    )
    .addOption(brokerOption())
    .option('--report-dir <dir>', 'write the report into <dir>/bench-<time>/', 'reports')
    .option('--no-render', 'write the charts as Mermaid text only')
    .option('--json', 'print the report as JSON on stdout (progress goes to stderr)')
    .addHelpText('after', '\nExamples:\n  $ orderctl bench --variants=all --duration=10 --connections=32\n  $ orderctl bench --variants=hybrid,http --duration=5 --load-steps 200,400,800\n  $ orderctl bench --variants=hybrid --broker amqp://guest:guest@127.0.0.1:5672')
    .action(async (options: BenchCliOptions) => {
      const variants = options.variants.split(',').flatMap((name) => selectVariants(name.trim()));
      const out = options.json ? process.stderr : process.stdout;
      const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
      const report = await runBench(
        {
          variants,
          durationSeconds: options.duration,
          connections: options.connections,
          users: options.users,
          rate: options.rate,
          loadSteps: options.loadSteps,
          broker: options.broker,
          command: `orderctl ${process.argv.slice(2).join(' ')}`,
          version,
        },
        progress(process.stderr.isTTY ? process.stderr : out),
      );
      const renderer = options.render ? await openRenderer() : undefined;
      if (options.render && !renderer) out.write(`${NO_CHROMIUM}\n`);
      const dir = join(resolve(options.reportDir), `bench-${timestamp()}`);
      try {
        await writeBenchFiles(dir, report, renderer);
      } finally {
        await renderer?.close();
      }
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else out.write(`\n${benchMarkdown(report)}\n`);
      out.write(`Report: ${join(dir, 'report.html')} (and report.md, report.json)\n`);
      if (!report.consistent) throw new CliError(chalk.red('an invariant broke under load (see "Consistency after the load")'), EXIT.failed);
    });
}
