import chalk from 'chalk';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { benchMarkdown, writeBenchFiles } from '../bench/bench-files.js';
import { runBench, type BenchListener } from '../bench/bench-run.js';
import { baselineSummary } from '../bench/baseline-blocks.js';
import { compareWithBaseline } from '../bench/baseline-compare.js';
import { BaselineError, readBaseline } from '../bench/baseline-file.js';
import { timestamp } from '../report/run-report.js';
import { checkWritableFolder, claimReportFolder } from '../report/report-folder.js';
import { CliError, EXIT } from './cli-error.js';
import { brokerOption, variantsDirOption, selectVariants, storeOption } from './options.js';
import { maskUrl } from '../broker/broker-url.js';
import { usesBroker } from '../variants/variant.js';
import { checkDependencies } from './preflight.js';
import { closingOnInterrupt } from './shutdown.js';
import { parseCapacity, type Capacity } from '../system/capacity.js';
import { parseDuration } from '../core/duration.js';
import { runSoak } from '../bench/soak-run.js';
import { soakMarkdown, writeSoakFiles } from '../bench/soak-report.js';
import { runGrowth } from '../bench/growth-run.js';
import { growthMarkdown, writeGrowthFiles } from '../bench/growth-report.js';
import type { Variant } from '../variants/variant.js';
import type { Stoppable } from '../bench/sut.js';

interface BenchCliOptions {
  variants: string;
  duration: number;
  warmup: number;
  repeat: number;
  connections: number;
  users: number;
  rate?: number;
  loadSteps?: number[];
  broker?: string;
  store?: string;
  capacity?: Capacity;
  processes?: boolean;
  reportDir: string;
  render: boolean;
  json?: boolean;
  baseline?: string;
  failOnSlower?: boolean;
  soak?: number;
  idle: number;
  sampleEvery: number;
  seedOrders?: number;
  seedUsers?: number;
  seedDir?: string;
}

/** Options of one mode only: a name, its flag, and the mode it belongs to. */
const MODE_OPTIONS = [
  ['idle', '--idle', '--soak'],
  ['sampleEvery', '--sample-every', '--soak'],
  ['seedUsers', '--seed-users', '--seed-orders'],
  ['seedDir', '--seed-dir', '--seed-orders'],
] as const;

/** What the soak and growth modes run: the one variant named, or serve's default. */
const SERVE_DEFAULT = 'hybrid';

/** Largest figures the options accept: loops stay bounded in count and time. */
const LIMITS = { duration: 3600, warmup: 600, repeat: 50, rate: 100_000, connections: 10_000, users: 10_000 } as const;

const positive = (what: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`${what} must be a number above 0 and at most ${max}`);
  return n;
};
const nonNegative = (what: string, max: number) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) throw new InvalidArgumentError(`${what} must be a number from 0 to ${max}`);
  return n;
};
const count = (what: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${what} must be a whole number from 1 to ${max}`);
  return n;
};

/** A progress bar on a terminal; one line per finished phase everywhere. `stop()` gives the cursor back. */
function progress(out: NodeJS.WriteStream): BenchListener & { stop(): void } {
  const bar = out.isTTY ? new cliProgress.SingleBar({ format: ' {phase} |{bar}| {value}/{total} s · {rps} answers/s', stream: out, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  let current = '';
  return {
    phase: (name, seconds) => {
      bar?.stop();
      current = name;
      if (bar && seconds > 0) bar.start(seconds, 0, { phase: name, rps: 0 });
      else if (!bar) out.write(seconds > 0 ? `${name}: ${seconds} s ${name === 'idle' ? 'without load' : 'of load'}…\n` : `${name}…\n`);
    },
    tick: (seconds, requests) => bar?.update(Math.min(Math.round(seconds), bar.getTotal()), { phase: current, rps: Math.round(requests / Math.max(seconds, 0.25)) }),
    phaseDone: (name, summary) => {
      bar?.stop();
      out.write(`${chalk.green('✓')} ${name}: ${summary}\n`);
    },
    stop: () => bar?.stop(),
  };
}

/** A duration option (`3m`, `90s`, `500ms`, bare seconds) in seconds, from `min` to `max`. */
const seconds = (what: string, min: number, max: number) => (value: string) => {
  let ms: number;
  try {
    ms = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) * 1000 : parseDuration(value);
  } catch {
    throw new InvalidArgumentError(`${what} must be a duration such as 3m, 90s or 500ms`);
  }
  if (!(ms / 1000 >= min && ms / 1000 <= max)) throw new InvalidArgumentError(`${what} must be from ${min} s to ${max} s`);
  return ms / 1000;
};

/** A baseline that cannot serve is a usage error (exit 2), said in its one line. */
const usage = (error: unknown): never => {
  throw error instanceof BaselineError ? new CliError(error.message, EXIT.usage) : error;
};

/** The command as the report shows it: a broker URL's password masked. */
export const commandLine = (args: string[]) => `orderctl ${args.map(maskUrl).join(' ')}`;

export function benchCommand(): Command {
  return new Command('bench')
    .description('load order placement on each variant, repeated, next to hello-world baselines, and report medians with their spread')
    .addOption(new Option('--variants <names>', 'comma-separated variants, or all').default('all'))
    .addOption(new Option('--duration <seconds>', 'seconds of measured load per run').argParser(positive('--duration', LIMITS.duration)).default(10))
    .addOption(new Option('--warmup <seconds>', 'seconds of the same load before each measurement, not counted (0: none)').argParser(nonNegative('--warmup', LIMITS.warmup)).default(4))
    .addOption(new Option('--repeat <n>', 'measure everything n times (round by round) and report median and min–max').argParser(count('--repeat', LIMITS.repeat)).default(1))
    .addOption(new Option('--connections <n>', 'closed loop: concurrent connections, each sending its next request when the last is answered').argParser(count('--connections', LIMITS.connections)).default(32))
    .addOption(new Option('--users <n>', 'customers prepared per system (each request orders as the next one)').argParser(count('--users', LIMITS.users)).default(64))
    .addOption(new Option('--rate <n>', 'open loop for the main runs: this many orders per second, evenly spaced, whatever the answers').argParser(positive('--rate', LIMITS.rate)))
    .addOption(
      new Option('--load-steps <rates>', 'comma-separated rates: one extra open-loop run per rate and variant, drawn as p99 latency against offered load').argParser((v) =>
        v.split(',').map((r) => positive('--load-steps', LIMITS.rate)(r.trim())),
      ),
    )
    .addOption(variantsDirOption())
    .addOption(brokerOption())
    .addOption(storeOption('also run every variant with each service keeping its data in its own schema of this PostgreSQL database, next to the run on SQLite files, e.g. postgres://postgres@127.0.0.1:5432/orderctl'))
    .addOption(new Option('--capacity <spec>', 'give services a declared capacity in every style\'s runs: service=WORKERSxTIME per instance, e.g. billing=1x20ms (one request or message at a time, 20 ms each, no CPU) — with --processes, billing ×1/×2/×3 then shows what adding instances gives').argParser((v) => parseCapacity(v)))
    .addOption(new Option('--processes', 'also run each variant with one OS process per service (events over --broker), billing ×1, ×2 and ×3, next to the in-process run'))
    .option('--report-dir <dir>', 'write the report into <dir>/bench-<time>/', 'reports')
    .option('--no-render', 'write the charts as Vega-Lite specs (.vl.json) only, no SVG pictures')
    .option('--json', 'print the report as JSON on stdout (progress goes to stderr)')
    .option('--baseline <report.json>', 'compare with a stored bench (its report.json, or what --json printed): per style and figure, slower or faster only when the spreads do not overlap, like with like only')
    .option('--fail-on-slower', 'with --baseline: exit 1 when a figure of a style got slower (spreads apart), for CI')
    .addOption(new Option('--soak <duration>', `memory over time: run one style as serve does (--variants names it, default ${SERVE_DEFAULT}), offer --rate orders/s (default 200) for this long (e.g. 3m), then stay idle; report RSS and heap sampled throughout`).argParser(seconds('--soak', 1, LIMITS.duration)))
    .addOption(new Option('--idle <duration>', 'with --soak: how long to stay idle after the load, sampling (0: not at all)').argParser(seconds('--idle', 0, LIMITS.duration)).default(60, '1m'))
    .addOption(new Option('--sample-every <duration>', 'with --soak: time between memory samples').argParser(seconds('--sample-every', 0.1, 600)).default(5, '5s'))
    .addOption(new Option('--seed-orders <n>', `cost as data grows: seed a data dir with n orders (and a user per 5 orders) by direct inserts, then load one style (default ${SERVE_DEFAULT}) on it and on an empty one, --repeat rounds (default 4), and report boot, first recovery pass, CPU per order and p99 side by side`).argParser(count('--seed-orders', 100_000_000)))
    .addOption(new Option('--seed-users <n>', 'with --seed-orders: how many users own them (default: orders ÷ 5)').argParser(count('--seed-users', 100_000_000)))
    .addOption(new Option('--seed-dir <dir>', 'with --seed-orders: keep the seeded data dir here, and reuse it when it already holds the same seeding (seeding a million orders takes minutes)'))
    .addHelpText(
      'after',
      `
Closed loop (the default): autocannon, --connections connections, as fast as answers come.
Open loop (--rate, --load-steps, and hybrid at half its saturation): request i is sent at start + i/rate,
its latency counted from that intended time; the report shows offered, sent and answered rates.
Charts are Vega-Lite, drawn to SVG without a browser; every chart's figures are also in a table.
Ctrl-C (or SIGTERM/SIGHUP) stops the load and every system under test, removes their temporary data, exits 130/143/129.

Examples:
  $ orderctl bench --variants=all --duration=10 --connections=32 --repeat 3
  $ orderctl bench --variants=hybrid,http --duration=5 --repeat 3 --load-steps 200,400,800
  $ orderctl bench --variants=hybrid --broker amqp://guest:guest@127.0.0.1:5672
  $ orderctl bench --variants=all --processes --broker amqp://guest:guest@127.0.0.1:5672 --duration 5
  $ orderctl bench --variants=http,hybrid --duration=5 --repeat 3 --baseline reports/bench-<time>/report.json --fail-on-slower
  $ orderctl bench --soak 3m --rate 200 --idle 1m
  $ orderctl bench --seed-orders 1000000 --seed-dir /tmp/seed-1m --rate 100 --duration 20 --repeat 4`,
    )
    .action(async (options: BenchCliOptions, command: Command) => {
      if (options.soak !== undefined && options.seedOrders !== undefined) throw new CliError('--soak and --seed-orders are two runs: give one of them', EXIT.usage);
      const mode = options.soak !== undefined ? '--soak' : options.seedOrders !== undefined ? '--seed-orders' : undefined;
      for (const [name, flag, belongs] of MODE_OPTIONS) {
        if (command.getOptionValueSource(name) === 'cli' && belongs !== mode) throw new CliError(`${flag} goes with ${belongs}`, EXIT.usage);
      }
      if (mode) return soakOrGrowth(options, command);
      const variants = options.variants.split(',').flatMap((name) => selectVariants(name.trim()));
      if (options.processes && !options.broker && variants.some(usesBroker)) {
        throw new CliError('--processes: the styles with events need a broker between processes; add --broker amqp://guest:guest@127.0.0.1:5672', EXIT.usage);
      }
      if (options.failOnSlower && !options.baseline) throw new CliError('--fail-on-slower needs --baseline <report.json> to compare with', EXIT.usage);
      // A baseline that cannot serve is refused before anything is measured.
      const baseline = options.baseline ? await readBaseline(options.baseline).catch(usage) : undefined;
      const run = await openRun(options, variants);
      const report = await run.interruptible((track) =>
        runBench(
          {
            ...run.basics,
            variants,
            durationSeconds: options.duration,
            warmupSeconds: options.warmup,
            repeat: options.repeat,
            rate: options.rate,
            loadSteps: options.loadSteps,
            broker: options.broker,
            store: options.store,
            capacity: options.capacity,
            processes: options.processes,
            track,
          },
          run.listener,
        ),
      );
      if (baseline) report.baseline = compareWithBaseline(report, baseline, options.baseline!);
      await run.publish('bench', report, (dir) => writeBenchFiles(dir, report, options.render), benchMarkdown(report, options.render), report.baseline && baselineSummary(report.baseline));
      if (!report.consistent) throw new CliError(chalk.red('an invariant broke under load (see "Consistency after the load")'), EXIT.failed);
      const slower = report.baseline?.counts.slower ?? 0;
      if (options.failOnSlower && slower) throw new CliError(`${slower} of the styles' figures got slower than the baseline, spreads apart (see "Against the baseline")`, EXIT.failed);
    });
}

/** The one variant a soak or growth run uses: the one --variants names, or serve's default. */
function oneVariant(options: BenchCliOptions): Variant {
  const named = options.variants === 'all' ? [SERVE_DEFAULT] : options.variants.split(',').map((v) => v.trim());
  if (named.length !== 1) throw new CliError('--soak and --seed-orders run one style at a time: name one with --variants', EXIT.usage);
  return selectVariants(named[0])[0];
}

/** `bench --soak` (memory over time) or `bench --seed-orders` (cost against data size): their own runs and reports. */
async function soakOrGrowth(options: BenchCliOptions, command: Command): Promise<void> {
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const variant = oneVariant(options);
  if (options.processes && !options.broker && usesBroker(variant)) throw new CliError('--processes: the styles with events need a broker between processes; add --broker amqp://guest:guest@127.0.0.1:5672', EXIT.usage);
  if (options.seedOrders !== undefined && (options.processes || options.store)) throw new CliError('--seed-orders seeds SQLite files and runs in one process: leave out --processes and --store', EXIT.usage);
  for (const [name, flag] of [['loadSteps', '--load-steps'], ['baseline', '--baseline'], ['capacity', '--capacity']] as const) {
    if (given(name)) throw new CliError(`${flag} does not go with --soak or --seed-orders`, EXIT.usage);
  }
  const run = await openRun(options, [variant]);
  const common = { ...run.basics, variant: variant.name };
  if (options.soak !== undefined) {
    const report = await run.interruptible((track) =>
      runSoak({ ...common, broker: options.broker, store: options.store, processes: options.processes, rate: options.rate ?? 200, durationSeconds: options.soak!, idleSeconds: options.idle, sampleEverySeconds: options.sampleEvery, track }, run.listener),
    );
    await run.publish('bench-soak', report, (dir) => writeSoakFiles(dir, report, options.render), soakMarkdown(report, options.render));
    if (report.orders.pending > 0) throw new CliError(chalk.red(`${report.orders.pending} of the load's orders were still pending after the idle time`), EXIT.failed);
    return;
  }
  const report = await run.interruptible((track) =>
    runGrowth(
      {
        ...common,
        seedOrders: options.seedOrders!,
        seedUsers: options.seedUsers,
        seedDir: options.seedDir && resolve(options.seedDir),
        rate: options.rate ?? 100,
        durationSeconds: options.duration,
        warmupSeconds: given('warmup') ? options.warmup : 5,
        repeat: given('repeat') ? options.repeat : 4,
        track,
      },
      run.listener,
    ),
  );
  await run.publish('bench-growth', report, (dir) => writeGrowthFiles(dir, report), growthMarkdown(report));
}

/** What every bench mode does before it measures (checks where the report goes and what the run needs; opens progress and interrupt handling) and after (writes the report's folder and prints the report). */
async function openRun(options: BenchCliOptions, variants: Variant[]) {
  const root = resolve(options.reportDir);
  await checkWritableFolder(root);
  await checkDependencies({ variants, broker: options.broker, store: options.store });
  const started = new Date();
  const out = options.json ? process.stderr : process.stdout;
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  const listener = progress(process.stderr.isTTY ? process.stderr : out);
  const abort = new AbortController();
  const say = (line: string) => process.stderr.write(`${line}\n`);
  return {
    listener,
    basics: { users: options.users, connections: options.connections, command: commandLine(process.argv.slice(2)), version, signal: abort.signal },
    interruptible: <T>(work: (track: (child: Stoppable) => void) => Promise<T>) =>
      closingOnInterrupt(say, async (track) => {
        track({ close: async () => (listener.stop(), abort.abort()) });
        try {
          return await work(track);
        } catch (error) {
          // Interrupted: the shutdown is stopping everything and will exit with the signal's code; say nothing more.
          if (abort.signal.aborted) await new Promise<never>(() => {});
          throw error;
        }
      }),
    /** Writes the report's folder, prints the report (as JSON on stdout with --json), then `summary` (on stderr with --json) and where the report is. */
    async publish(prefix: string, report: unknown, write: (dir: string) => Promise<void>, markdown: string, summary?: string): Promise<void> {
      const dir = await claimReportFolder(root, `${prefix}-${timestamp(started)}`);
      await write(dir);
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else out.write(`\n${markdown}\n`);
      if (summary) out.write(`\n${summary}`);
      out.write(`Report: ${join(dir, 'report.html')} (and report.md, report.json)\n`);
    },
  };
}
