import { cpus, totalmem } from 'node:os';
import { spread } from '../bench/summaries.js';
import { median } from '../core/stats.js';
import { capacityText } from '../system/capacity.js';
import { launchSystem } from '../system/launch.js';
import { traitsOf, type Variant } from '../variants/variant.js';
import { THRESHOLDS } from './conditions.js';
import { judgeClaims } from './evidence-judge.js';
import type { EvidenceExperiment, EvidenceReport } from './evidence-schema.js';
import { ExperimentError, type EvidenceSettings, type Experiment, type ExperimentResult } from './experiment.js';
import { EXPERIMENTS } from './experiments/index.js';
import { RULES_COMBINE } from './rules.js';

/** What to try, on which styles, and who hears how it goes. */
export interface EvidenceOptions {
  variants: Variant[];
  settings: EvidenceSettings;
  command: string;
  version: string;
  signal: AbortSignal;
  track(child: { close(): Promise<void> }): void;
}

/** Hears the run's progress: how many steps there are, and each step as it starts and ends. */
export interface EvidenceListener {
  start(steps: number): void;
  step(label: string): void;
  done(label: string, summary: string): void;
}

/** The report without its chart names (the files add them as they draw). */
export type EvidenceData = Omit<EvidenceReport, 'claims'> & { claims: Omit<EvidenceReport['claims'][number], 'chart'>[] };

/** How many experiment runs a run makes: every experiment on every style, once per repeat (or once). */
export const stepsOf = (experiments: Experiment[], styles: number, settings: EvidenceSettings) => experiments.filter((e) => !e.skipped?.(settings)).reduce((n, e) => n + styles * (e.runsOnce ? 1 : settings.repeat), 0);

const round = (n: number) => Math.round(n * 1000) / 1000;
const summaryOf = (result: ExperimentResult) =>
  Object.entries(result.figures)
    .slice(0, 3)
    .map(([id, v]) => `${id} ${round(v)}`)
    .join(', ');

/** One experiment's results on every style: each figure's spread over the repeats. */
function resultsOf(experiment: Experiment, variants: Variant[], runs: Map<string, ExperimentResult[]>): EvidenceExperiment['results'] {
  return variants.flatMap((variant) => {
    const repeats = runs.get(variant.name) ?? [];
    if (!repeats.length) return [];
    const ids = [...new Set(repeats.flatMap((r) => Object.keys(r.figures)))];
    const figures = Object.fromEntries(ids.map((id) => [id, spread(repeats.flatMap((r) => (r.figures[id] === undefined ? [] : [r.figures[id]])))]));
    const samples = Object.fromEntries(ids.map((id) => [id, Math.round(median(repeats.map((r) => r.samples[id] ?? 0)))]));
    const notes = Object.assign({}, ...repeats.map((r) => r.notes ?? {})) as Record<string, string>;
    return [{ style: variant.name, figures, samples, notes, repeats: repeats.map((r) => Object.fromEntries(Object.entries(r.figures).map(([id, v]) => [id, round(v)]))) }];
  });
}

/**
 * Runs every experiment on every style, round by round (each round every experiment once on every style, so a slow
 * moment of the machine spreads over all of them), then applies every claim's rule to every style's figures.
 */
export async function runEvidence(options: EvidenceOptions, listener: EvidenceListener): Promise<EvidenceData> {
  const { settings, variants } = options;
  const started = performance.now();
  const runnable = EXPERIMENTS.filter((e) => !e.skipped?.(settings));
  listener.start(stepsOf(EXPERIMENTS, variants.length, settings));
  const runs = new Map(EXPERIMENTS.map((e) => [e.id, new Map<string, ExperimentResult[]>()]));
  const boot = (variant: Variant) => () => launchSystem(variant, { broker: settings.broker }, { commandTimeoutMs: settings.replyTimeoutMs });
  for (let round = 1; round <= settings.repeat; round++) {
    for (const experiment of runnable.filter((e) => round === 1 || !e.runsOnce)) {
      for (const variant of variants) {
        if (options.signal.aborted) throw new ExperimentError('interrupted');
        const label = `${variant.name} · ${experiment.title}${settings.repeat > 1 && !experiment.runsOnce ? ` [${round}/${settings.repeat}]` : ''}`;
        listener.step(label);
        let result: ExperimentResult;
        try {
          result = await experiment.run({ variant, settings, boot: boot(variant), signal: options.signal, track: options.track });
        } catch (error) {
          if (options.signal.aborted) throw error;
          throw new ExperimentError(`${label}: ${(error as Error).message}`);
        }
        const byStyle = runs.get(experiment.id)!;
        byStyle.set(variant.name, [...(byStyle.get(variant.name) ?? []), result]);
        listener.done(label, summaryOf(result));
      }
    }
  }
  const data: Omit<EvidenceData, 'claims'> = {
    tool: 'orderctl evidence',
    version: options.version,
    date: new Date().toISOString(),
    command: options.command,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` },
    seconds: Math.round((performance.now() - started) / 100) / 10,
    settings: {
      variants: variants.map((v) => v.name),
      orders: settings.orders,
      repeat: settings.repeat,
      slowMs: settings.slowMs,
      latencySteps: settings.latencySteps,
      replyTimeoutMs: settings.replyTimeoutMs,
      sagas: settings.sagas,
      clientSeconds: settings.clientSeconds,
      scaleSeconds: settings.scaleSeconds,
      scaleRate: settings.scaleRate,
      capacity: capacityText(settings.capacity),
      broker: settings.broker ? 'rabbitmq' : 'in-process',
      processes: settings.processes,
    },
    styles: variants.map((v) => ({ name: v.name, traits: traitsOf(v) })),
    thresholds: { ...THRESHOLDS },
    combining: RULES_COMBINE,
    experiments: EXPERIMENTS.map((e) => ({
      id: e.id,
      title: e.title,
      how: e.how(settings),
      ...(e.skipped?.(settings) ? { skipped: e.skipped(settings) } : {}),
      measures: e.measures(settings),
      results: resultsOf(e, variants, runs.get(e.id)!),
    })),
  };
  return { ...data, claims: judgeClaims(data) };
}
