import chalk from 'chalk';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { kindWords } from '../evidence/verdict.js';
import { runEvidence, type EvidenceListener } from '../evidence/evidence-run.js';
import { writeEvidenceFiles } from '../evidence/evidence-files.js';
import type { EvidenceReport } from '../evidence/evidence-schema.js';
import { ExperimentError, type EvidenceSettings } from '../evidence/experiment.js';
import { markdownTable, mdCell } from '../report/text.js';
import { timestamp } from '../report/run-report.js';
import { checkWritableFolder, claimReportFolder } from '../report/report-folder.js';
import { commandLine } from './bench.js';
import { CliError, EXIT } from './cli-error.js';
import { brokerOption, checkPlacement, selectVariants, variantsDirOption } from './options.js';
import { checkDependencies } from './preflight.js';
import { closingOnInterrupt } from './shutdown.js';
import { parseCapacity, type Capacity } from '../system/capacity.js';

/** The replica experiment's capacity by default: billing takes one order at a time, 50 ms each (20 orders/s per instance). */
const DEFAULT_CAPACITY = 'billing=1x50ms';

interface EvidenceCliOptions {
  variants: string;
  repeat: number;
  orders: number;
  slowMs: number;
  latencySteps: number[];
  replyTimeout: number;
  sagas: number;
  clientSeconds: number;
  scaleSeconds: number;
  scaleRate: number;
  capacity: Capacity;
  broker?: string;
  processes?: boolean;
  reportDir: string;
  json?: boolean;
}

const whole = (what: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}`);
  return n;
};
const seconds = (what: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`${what} must be a number above 0 and at most ${max}`);
  return n;
};
const steps = (value: string) => {
  const list = value.split(',').map((s) => whole('--latency-steps', 0, 2000)(s.trim()));
  if (new Set(list).size < 2) throw new InvalidArgumentError('--latency-steps needs at least two different latencies, e.g. 0,20,40');
  return list;
};

/** A bar on a terminal (not with --json); one line per finished step otherwise. `stop()` gives the cursor back. */
function progress(bar: boolean): EvidenceListener & { stop(): void } {
  const out = process.stderr;
  const shown = bar ? new cliProgress.SingleBar({ format: ' {bar} {value}/{total} · {step}', stream: out, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  let done = 0;
  return {
    start: (total) => shown?.start(total, 0, { step: 'starting' }),
    step: (label) => shown?.update(done, { step: label }),
    done: (label, summary) => {
      done++;
      if (shown) shown.update(done, { step: label });
      else out.write(`${chalk.green('✓')} ${label}: ${summary}\n`);
    },
    stop: () => shown?.stop(),
  };
}

/** The verdicts as a table for the terminal. */
function verdictTable(report: EvidenceReport): string {
  const styles = report.styles.map((s) => s.name);
  return markdownTable(
    ['claim', 'about', 'from', 'verdict', ...styles],
    report.claims.map((c) => [c.id, c.style, c.documents.join(', '), kindWords(c.verdict), ...styles.map((s) => kindWords(c.perStyle.find((p) => p.style === s)!.verdict))].map(mdCell)),
  );
}

/** `orderctl evidence`: every claim tried on every chosen style, and judged by its rule. */
export function evidenceCommand(): Command {
  return new Command('evidence')
    .description("try each claim the design documents make about the styles, by an experiment run on every chosen style, and judge it by a stated rule")
    .addOption(new Option('--variants <names>', 'comma-separated styles, or all').default('all'))
    .addOption(new Option('--repeat <n>', 'run every experiment n times (round by round); figures are the median with min–max').argParser(whole('--repeat', 1, 20)).default(3))
    .addOption(new Option('--orders <n>', 'orders (or registrations) per measured condition').argParser(whole('--orders', 2, 500)).default(10))
    .addOption(new Option('--slow-ms <ms>', 'latency added to one service in the "slowed" conditions').argParser(whole('--slow-ms', 1, 5000)).default(200))
    .addOption(new Option('--latency-steps <ms,…>', 'latencies added to every service hop for the per-hop slope').argParser(steps).default([0, 20, 40], '0,20,40'))
    .addOption(new Option('--reply-timeout <seconds>', 'how long a gateway waits for a reply event before answering 504').argParser(seconds('--reply-timeout', 60)).default(3))
    .addOption(new Option('--sagas <n>', 'sagas of each kind (delivered; cancelled by delivery; cancelled by the customer) the saga experiment places').argParser(whole('--sagas', 1, 100)).default(3))
    .addOption(new Option('--client-seconds <s>', 'seconds the outcome probe orders for, in styles that answer 202').argParser(seconds('--client-seconds', 600)).default(2))
    .addOption(new Option('--scale-seconds <s>', 'with --processes: seconds of load per billing replica count').argParser(seconds('--scale-seconds', 600)).default(3))
    .addOption(new Option('--scale-rate <n>', 'with --processes: orders/s offered in an open loop, the same to billing ×1, ×2 and ×3; keep it above three instances\' capacity (3 × workers ÷ service time) so billing stays the bottleneck').argParser(whole('--scale-rate', 1, 2000)).default(80))
    .addOption(new Option('--capacity <spec>', 'with --processes: what each service instance can do at once in the replica experiment, service=WORKERSxTIME (TIME in ms unless it says s; a timer, no CPU), so that billing and not the cores is the bottleneck').argParser((v) => parseCapacity(v)).default(parseCapacity(DEFAULT_CAPACITY), DEFAULT_CAPACITY))
    .addOption(variantsDirOption())
    .addOption(brokerOption())
    .addOption(new Option('--processes', 'also run the replica experiment: one OS process per service, billing ×1, ×2, ×3 (styles with events need --broker)'))
    .option('--report-dir <dir>', 'write the report into <dir>/evidence-<time>/', 'reports')
    .option('--json', 'print evidence.json on stdout (progress goes to stderr, without a bar)')
    .addHelpText(
      'after',
      `
Every claim is tried on every chosen style; its verdict (holds, does not hold, holds only in part) comes from
its figures by a rule the report states. Writes evidence.json (and its JSON Schema), evidence.md, evidence.html.
Exit codes: 0 done (whatever the verdicts), 1 an experiment failed, 2 usage error, 3 the --broker cannot be reached.
Ctrl-C (or SIGTERM/SIGHUP) stops every system, removes their temporary data, exits 130/143/129.

Examples:
  $ orderctl evidence --variants http,hybrid
  $ orderctl evidence --variants all --repeat 3
  $ orderctl evidence --variants all --processes --broker amqp://guest:guest@127.0.0.1:5672`,
    )
    .action(async (options: EvidenceCliOptions, command: Command) => {
      const unused = ['scaleSeconds', 'scaleRate', 'capacity'].filter((o) => command.getOptionValueSource(o) === 'cli');
      if (unused.length && !options.processes) process.stderr.write(`orderctl: note: ${unused.map((o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} ${unused.length > 1 ? 'apply' : 'applies'} to the replica experiment only, which runs with --processes\n`);
      const variants = [...new Map(options.variants.split(',').flatMap((name) => selectVariants(name.trim())).map((v) => [v.name, v])).values()];
      checkPlacement({ processes: options.processes, broker: options.broker }, variants);
      const root = resolve(options.reportDir);
      await checkWritableFolder(root);
      await checkDependencies({ variants, broker: options.broker });
      const started = new Date();
      const settings: EvidenceSettings = {
        orders: options.orders,
        repeat: options.repeat,
        slowMs: options.slowMs,
        latencySteps: options.latencySteps,
        replyTimeoutMs: Math.round(options.replyTimeout * 1000),
        sagas: options.sagas,
        clientSeconds: options.clientSeconds,
        scaleSeconds: options.scaleSeconds,
        scaleRate: options.scaleRate,
        capacity: options.capacity,
        broker: options.broker,
        processes: !!options.processes,
      };
      const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
      const listener = progress(!!process.stderr.isTTY && !options.json);
      const abort = new AbortController();
      const data = await closingOnInterrupt(
        (line) => process.stderr.write(`${line}\n`),
        async (track) => {
          track({ close: async () => (listener.stop(), abort.abort()) });
          try {
            return await runEvidence({ variants, settings, command: commandLine(process.argv.slice(2)), version, signal: abort.signal, track }, listener);
          } catch (error) {
            // Interrupted: the shutdown closes everything and exits with the signal's code.
            if (abort.signal.aborted) await new Promise<never>(() => {});
            if (error instanceof ExperimentError) throw new CliError(error.message, EXIT.failed);
            throw error;
          } finally {
            listener.stop();
          }
        },
      );
      const dir = await claimReportFolder(root, `evidence-${timestamp(started)}`);
      const report = await writeEvidenceFiles(dir, data);
      const out = options.json ? process.stderr : process.stdout;
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else out.write(`\n${verdictTable(report)}\n\n`);
      out.write(`Report: ${join(dir, 'evidence.html')} (and evidence.md, evidence.json, evidence.schema.json) · ${report.seconds} s\n`);
      out.write(`Decision page: ${join(dir, 'decision.html')} (and decision.md): which style for what\n`);
    });
}
