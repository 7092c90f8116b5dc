import { Command, Option } from 'commander';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { selectScenarios } from '../scenarios/load.js';
import { runVariants, type RunListener, type VariantResult } from '../system/run-variants.js';
import { CliError, EXIT } from './cli-error.js';
import { closingOnInterrupt, type Closeable } from './shutdown.js';
import { exportOtlp } from '../tracing/otlp-export.js';
import { NO_CHROMIUM, openTrackedRenderer } from '../diagrams/renderer.js';
import { runFolderName, writeRunReport, type VariantRun } from '../report/run-report.js';
import { checkWritableFolder, claimReportFolder, writeReportFile } from '../report/report-folder.js';
import { junitXml } from '../report/junit.js';
import { checkDependencies } from './preflight.js';
import { topologyEdges, topologyFlowchart } from '../variants/topology.js';
import { formatComparison, formatFailures, formatRepeatsEnd, formatScenarioEnd, formatScenarioHeader, formatStep, formatVariantEnd } from './format.js';
import { wholeNumber, brokerOption, variantsDirOption, checkPlacement, dataDirOption, processesOption, storeOption, replicasOption, scenariosDirOption, selectVariants, variantOption } from './options.js';
import { describeBroker, maskUrl } from '../broker/broker-url.js';
import { usesBroker } from '../variants/variant.js';
import { describePlacement } from '../system/launch.js';
import type { Replicas } from '../system/process-plan.js';

interface RunOptions {
  processes?: boolean;
  replicas?: Replicas;
  variant: string;
  scenario: string[];
  scenariosDir: string;
  json?: boolean;
  quiet?: boolean;
  dataDir?: string;
  broker?: string;
  store?: string;
  report: boolean;
  reportDir: string;
  render: boolean;
  otlpEndpoint?: string;
  junit?: string;
  repeat: number;
  warmup?: boolean;
}

/** `--repeat N`: a whole number ≥ 1. */
export const parseRepeat = wholeNumber(1);

const tenth = (n: number) => Math.round(n * 10) / 10;

/**
 * The machine-readable result of `run --json`. Per variant, `actions[]` has each kind's `n` (samples) and `latencyMs`
 * {n, median, min, max}; per scenario, `passed` holds only if every repeat passed, `repeats[]` says which failed and
 * how, and `steps` are those of repeat `stepsFrom` (each step's `ms` is one sample).
 */
export function jsonResult(results: VariantResult[], ms: number, broker?: string) {
  return {
    passed: results.every((r) => r.passed),
    ms: Math.round(ms),
    broker: broker ? maskUrl(broker) : 'in-process',
    repeats: results[0]?.repeats ?? 1,
    warmup: results.some((r) => r.warmup !== undefined),
    variants: results.map((r) => ({
      ...r,
      ms: Math.round(r.ms),
      ...(r.warmup ? { warmup: { ...r.warmup, ms: Math.round(r.warmup.ms) } } : {}),
      scenarios: r.scenarios.map((s) => ({
        ...s,
        ms: tenth(s.ms),
        repeats: s.repeats.map((x) => ({ ...x, ms: tenth(x.ms), failed: x.failed.map((f) => ({ ...f, ms: tenth(f.ms) })) })),
        steps: s.steps.map(({ traceIds: _t, ...step }) => ({ ...step, ms: tenth(step.ms) })),
      })),
    })),
  };
}

/** Writes the run's report folder, rendering with one shared browser when there is one. */
async function writeReport(runs: VariantRun[], options: RunOptions, started: Date, say: (line: string) => void, track: (open: Closeable) => void) {
  const dir = await claimReportFolder(resolve(options.reportDir), runFolderName(runs.map((r) => r.result.variant), started));
  // An interrupt while rendering closes the browser (its processes and profile folder) before exiting.
  const renderer = options.render ? await openTrackedRenderer(track) : undefined;
  if (options.render && !renderer) say(NO_CHROMIUM);
  const live = process.stderr.isTTY && !options.quiet;
  const progress = (done: number, asked: number) => live && process.stderr.write(`\rRendering diagrams… ${done}/${asked} `);
  try {
    const outcome = await writeRunReport(dir, runs, { broker: describeBroker(options.broker), date: new Date().toISOString() }, renderer, progress);
    if (live && outcome.rendered) process.stderr.write('\r\x1b[K');
    const rendered = outcome.rendered ? `, ${outcome.rendered} distinct pictures rendered in ${(outcome.renderMs / 1000).toFixed(1)} s, ${(outcome.renderMs / outcome.rendered / 1000).toFixed(2)} s each` : '';
    say(`Report: ${join(outcome.dir, 'index.html')} (${outcome.diagrams} diagrams${rendered})`);
    if (outcome.decision) say(`Decision page: ${outcome.decision} (and decision.md): which style for what`);
    return { ...outcome, index: join(outcome.dir, 'index.html') };
  } finally {
    await renderer?.close();
  }
}

/** Sends each variant's recording to an OTLP collector. */
async function exportRuns(runs: VariantRun[], endpoint: string, broker: string, say: (line: string) => void) {
  let spans = 0;
  for (const { result, recorder } of runs) {
    spans += await exportOtlp(recorder.all(), endpoint, { variant: result.variant, broker }).catch((error: Error) => {
      throw new CliError(error.message);
    });
  }
  say(`Exported ${spans} spans to ${endpoint}.`);
}

export function runCommand(): Command {
  return new Command('run')
    .description('boot a variant, run the scenarios against it, and report what happened')
    .addOption(variantOption(true, 'all'))
    .addOption(new Option('--scenario <name>', 'run only this scenario, by name or a scenario file\'s path (repeatable)').argParser((v: string, acc: string[]) => [...acc, v]).default([], 'all'))
    .addOption(scenariosDirOption())
    .addOption(dataDirOption())
    .addOption(variantsDirOption())
    .addOption(brokerOption())
    .addOption(processesOption())
    .addOption(storeOption())
    .addOption(replicasOption())
    .option('--report-dir <dir>', 'write the report (recording, diagrams, summary.md, index.html) into a new folder here', 'reports')
    .option('--no-report', 'write no report')
    .option('--no-render', 'write the diagrams as Mermaid text only (no Chromium needed)')
    .addOption(new Option('--otlp-endpoint <url>', 'also export every hop as OpenTelemetry spans over OTLP/HTTP, e.g. http://127.0.0.1:4318 (Jaeger, a collector)').env('OTEL_EXPORTER_OTLP_ENDPOINT'))
    .addOption(new Option('--repeat <n>', 'run every scenario n times in a row on the same running system (one boot per variant); latencies are over every repeat, and a scenario passes only if it passed in each').argParser(parseRepeat).default(1))
    .option('--warmup', 'run every scenario once first, on the same system, and discard its figures')
    .option('--junit <file>', 'also write the result as JUnit XML for a CI server: a test suite per style, a test case per scenario, the broken step and why in each failure')
    .option('--json', 'print the result as JSON on stdout (progress, if any, goes to stderr)')
    .option('--quiet', 'print only the summary (with --json: nothing but the JSON)')
    .addHelpText(
      'after',
      '\nEach variant is booted once; with --repeat its scenarios run again and again on that same system.\nLatency tables give per client action: n (samples), the median, and the spread as p5–p95 (min–max below 20 samples).\n\nExamples:\n  $ orderctl run --variant=hybrid\n  $ orderctl run --variant=all --repeat 3 --warmup\n  $ orderctl run --variant=all --scenario happy-path --json\n  $ orderctl run --variant=all --junit reports/junit.xml   # for a CI server\n  $ orderctl run --variant=all --broker amqp://guest:guest@127.0.0.1:5672',
    )
    .action(async (options: RunOptions) => {
      const variants = selectVariants(options.variant);
      checkPlacement(options, variants);
      const scenarios = await selectScenarios(options.scenariosDir, options.scenario);
      if (options.report) await checkWritableFolder(resolve(options.reportDir));
      if (options.junit) await checkWritableFolder(dirname(resolve(options.junit)), '--junit');
      if (options.dataDir) await checkWritableFolder(resolve(options.dataDir), '--data-dir', 'keep the databases');
      await checkDependencies({ variants, broker: options.broker, store: options.store, otlpEndpoint: options.otlpEndpoint });
      const startedAt = new Date();
      const out = options.json ? process.stderr : process.stdout;
      const say = (line: string) => out.write(`${line}\n`);
      const verbose = !options.quiet;
      const live = verbose && !options.json && process.stdout.isTTY;
      const listener: RunListener = {
        variantStarted: (v) => verbose && say(`\nBooting ${v.name} (${v.summary}) on ${[describeBroker(options.broker, usesBroker(v)), describePlacement(options)].filter(Boolean).join(', ')}…`),
        scenarioStarted: (v, s, run) => verbose && !options.json && run.repeat === 1 && say(formatScenarioHeader(v.name, s.name, s.title, s.capacity)),
        progress: (done, total) => live && process.stdout.write(`\r  … ${done}/${total} steps`),
        stepFinished: (_v, step, run) => {
          if (live) process.stdout.write('\r\x1b[K');
          // Every step of the first repeat; of the others (and the warm-up) only what did not hold.
          if (verbose && !options.json && (run.repeat === 1 || !step.passed)) say(formatStep(step));
        },
        repeatFinished: (v, r, run) => {
          if (run.repeat === 0) return;
          for (const step of r.steps) for (const trace of step.traceIds) scenarioOf.set(trace, r.name);
          if (options.json) verbose && say(`${r.passed ? '✓' : '✗'} ${v.name} › ${r.name}${run.of > 1 ? ` (repeat ${run.repeat}/${run.of})` : ''}`);
          else if (verbose) say(formatScenarioEnd(r, run));
        },
        scenarioFinished: (_v, outcome) => verbose && !options.json && outcome.repeats.length > 1 && say(formatRepeatsEnd(outcome)),
        warmupFinished: (v, warm) => {
          const held = warm.filter((s) => s.passed).length;
          if (verbose) say(`${v.name}: warm-up run, ${held}/${warm.length} scenarios held (its figures are discarded)`);
        },
        variantFinished: (r, system, actions) => {
          runs.push({ result: r, recorder: system.recorder, actions, topology: topologyFlowchart(system.variant), links: topologyEdges(system.variant), scenarioOf });
          if (!options.json) say(formatVariantEnd(r));
        },
      };
      const runs: VariantRun[] = [];
      const scenarioOf = new Map<string, string>();
      const started = performance.now();
      const results = await closingOnInterrupt(say, (track) =>
        runVariants(
          variants,
          scenarios,
          { dataDirFor: (v) => options.dataDir && join(resolve(options.dataDir), v.name), placement: options },
          { ...listener, systemBooted: track },
          { repeat: options.repeat, warmup: Boolean(options.warmup) },
        ),
      );
      const ms = performance.now() - started;
      if (!options.json && results.length > 1) say(formatComparison(results));
      if (!options.json) {
        const failures = formatFailures(results);
        if (failures) say(failures);
      }
      const report = options.report ? await closingOnInterrupt(say, (track) => writeReport(runs, options, startedAt, say, track)) : undefined;
      if (options.otlpEndpoint) await exportRuns(runs, options.otlpEndpoint, options.broker ? 'rabbitmq' : 'orderctl-in-process', say);
      if (options.junit) {
        await writeReportFile(resolve(options.junit), junitXml(results, { date: startedAt.toISOString() }), '--junit');
        say(`JUnit XML: ${resolve(options.junit)}`);
      }
      const total = (performance.now() - started) / 1000;
      if (options.json) process.stdout.write(`${JSON.stringify({ ...jsonResult(results, ms, options.broker), report }, null, 2)}\n`);
      else say(`\n${results.every((r) => r.passed) ? 'All expectations held' : 'Some expectations did not hold'}: ${total.toFixed(1)} s in all, ${(ms / 1000).toFixed(1)} s running the scenarios.`);
      if (!results.every((r) => r.passed)) throw new CliError(`some expectations did not hold${options.json ? ' (see "passed": false in the JSON)' : ' (see above)'}`, EXIT.failed);
    });
}
