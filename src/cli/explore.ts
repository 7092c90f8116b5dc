import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { exploreStyle, type StyleExploration } from '../explore/explore.js';
import { SeedStore } from '../explore/seed-store.js';
import { writeExploreReport } from '../explore/explore-report.js';
import { NO_CHROMIUM, openTrackedRenderer } from '../diagrams/renderer.js';
import { launchSystem, describePlacement } from '../system/launch.js';
import { describeBroker } from '../broker/broker-url.js';
import { usesBroker } from '../variants/variant.js';
import { checkWritableFolder, claimReportFolder } from '../report/report-folder.js';
import { CliError, EXIT } from './cli-error.js';
import { checkDependencies } from './preflight.js';
import { closingOnInterrupt } from './shutdown.js';
import { wholeNumber as whole, brokerOption, checkPlacement, processesOption, selectVariants, storeOption, variantOption, variantsDirOption } from './options.js';

interface ExploreCliOptions {
  variant: string;
  seed?: number;
  runs: number;
  duration?: number;
  ops: number;
  broker?: string;
  processes?: boolean;
  store?: string;
  json?: boolean;
  reportDir: string;
  seeds: string;
  render: boolean;
}

const line = (r: StyleExploration) =>
  `${r.variant}: ${r.runs} run(s), ${r.actions} actions, ${r.faults} faults, ${(r.ms / 1000).toFixed(0)} s — ${r.failure ? `BROKE A RULE (seed ${r.seed})` : 'every rule held'}`;

/** `orderctl explore`: random workloads and faults drawn from a seed, checked on the history, shrunk and replayable. */
export function exploreCommand(): Command {
  return new Command('explore')
    .description('draw random workloads and faults from a seed, check every invariant and history rule, and shrink a failure to a scenario file you can replay')
    .addOption(variantOption(true, 'all'))
    .addOption(new Option('--seed <n>', 'draw from this seed (default: a random one, printed)').argParser(whole(0)))
    .addOption(new Option('--runs <n>', 'workloads per style').argParser(whole(1)).default(20))
    .addOption(new Option('--duration <seconds>', 'stop drawing new workloads for a style after this long').argParser(whole(1)))
    .addOption(new Option('--ops <n>', 'at most this many actions and faults per run').argParser(whole(1)).default(12))
    .addOption(variantsDirOption())
    .addOption(brokerOption())
    .addOption(processesOption())
    .addOption(storeOption())
    .option('--report-dir <dir>', 'write index.html, summary.md, explore.json and each shrunk scenario into <dir>/explore-<time>-<style>/', 'reports')
    .option('--seeds <file>', 'keep the seeds that failed here, and try them first next time', 'reports/explore-seeds.json')
    .option('--no-render', 'write the diagrams of a failure as Mermaid text only (no Chromium needed)')
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)')
    .addHelpText(
      'after',
      `
Each run registers 1-3 customers, then does up to 12 things (--ops) drawn from the seed: deposits and withdrawals,
plain and saga orders, the same order again with its Idempotency-Key, cancels, receipts, reads, and faults
(stop, fail, latency, broker cut, late, duplicate, drop, crash) on what the style really has. At its end the
invariants (money, stock, sagas, notifications) and the history rules (statuses in order, final stays final,
a repeated key gets the first answer, a cancelled order is never received) must hold. A failure is shrunk,
replayed from its file, written as a scenario, and its seed kept. Exit code 1 when a rule was broken.

Examples:
  $ orderctl explore --variant=hybrid --runs 50
  $ orderctl explore --variant=all --seed 42 --json
  $ orderctl explore --variant=event-collaboration --broker amqp://guest:guest@127.0.0.1:5672 --processes`,
    )
    .action(async (options: ExploreCliOptions) => {
      const variants = selectVariants(options.variant);
      checkPlacement(options, variants);
      const root = resolve(options.reportDir);
      await checkWritableFolder(root);
      await checkWritableFolder(dirname(resolve(options.seeds)), '--seeds', 'keep the seeds');
      await checkDependencies({ variants, broker: options.broker, store: options.store });
      const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
      const say = (text: string) => (options.json ? process.stderr : process.stdout).write(`${text}\n`);
      const store = new SeedStore(resolve(options.seeds));
      const name = `explore-${new Date().toISOString().replace(/[:.]/g, '-')}-${variants.length === 1 ? variants[0].name : 'all'}`;
      const placement = describePlacement(options);
      say(`Exploring ${variants.map((v) => v.name).join(', ')} from seed ${seed}, ${options.runs} run(s) each${placement ? `, ${placement}` : ''}…`);
      const outcome = await closingOnInterrupt(say, async (track) => {
        const done: StyleExploration[] = [];
        for (const variant of variants) {
          say(`\n${variant.name} on ${describeBroker(options.broker, usesBroker(variant))}`);
          const system = await launchSystem(variant, options);
          track(system);
          try {
            const onRun = (r: { index: number; passed: boolean; actions: number; faults: number; shrinking: boolean }) =>
              process.stderr.write(`  ${r.shrinking ? 'shrinking' : 'run'} ${r.index}${r.shrinking ? '' : `/${options.runs}`}: ${r.actions} actions, ${r.faults} faults — ${r.passed ? 'held' : 'BROKE A RULE'}\n`);
            // Seeds that failed before come first; a failure among them is reported as any other.
            let result: StyleExploration | undefined;
            for (const stored of await store.of(variant.name)) {
              say(`  trying stored seed ${stored.seed} (${stored.problem.slice(0, 80)})`);
              const again = await exploreStyle(system, { seed: stored.seed, runs: 1, path: stored.path, maxOps: stored.ops ?? 12, onRun }).catch((error: Error) => {
                // A case this version cannot draw again (its generator changed): said, and skipped.
                say(`  stored seed ${stored.seed} cannot be replayed by this version (${error.message.split('\n')[0]}): skipped`);
                return undefined;
              });
              if (again?.failure) {
                result = again;
                break;
              }
            }
            result ??= await exploreStyle(system, { seed, runs: options.runs, maxOps: options.ops, timeLimitMs: options.duration && options.duration * 1000, onRun });
            if (result.failure) await store.add({ variant: variant.name, seed: result.seed, path: result.failure.path, ops: options.ops, problem: result.failure.problems[0] ?? '', found: new Date().toISOString() });
            done.push(result);
            say(`  ${line(result)}`);
          } finally {
            await system.close();
          }
        }
        // Pictures of a failure's actions, in a browser closed on an interrupt like the systems.
        const failed = done.some((r) => r.failure);
        const renderer = options.render && failed ? await openTrackedRenderer(track) : undefined;
        if (options.render && failed && !renderer) say(NO_CHROMIUM);
        const meta = { seed, runs: options.runs, ops: options.ops, placement: placement || 'one process, SQLite', date: new Date().toISOString() };
        const dir = await claimReportFolder(root, name);
        const { files } = await writeExploreReport(dir, done, meta, renderer).finally(() => renderer?.close());
        return { results: done, files, dir };
      });
      const { results, files, dir } = outcome;
      for (const r of results) {
        if (!r.failure) continue;
        for (const p of r.failure.problems) say(`  ${r.variant}: ${p}`);
        say(`  shrunk scenario: ${files[r.variant]}`);
      }
      const json = JSON.parse(await readFile(join(dir, 'explore.json'), 'utf8'));
      say(`\nReport: ${join(dir, 'index.html')}`);
      if (options.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      const broke = results.filter((r) => r.failure).map((r) => `${r.variant} seed ${r.seed}`);
      if (broke.length) throw new CliError(`a rule was broken (${broke.join(', ')}): replay the shrunk scenario with orderctl run`, EXIT.failed);
    });
}
