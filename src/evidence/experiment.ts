import type { Capacity } from '../system/capacity.js';
import type { RunningSystem } from '../system/boot.js';
import type { Variant } from '../variants/variant.js';

/** How much `orderctl evidence` measures, and under which conditions. */
export interface EvidenceSettings {
  /** Orders (or registrations) per measured condition, per style and repeat. */
  orders: number;
  /** How many times every experiment runs on every style (round by round). */
  repeat: number;
  /** Latency added to one service in the "slowed" conditions, ms. */
  slowMs: number;
  /** Latencies added to every service behind the gateway, ms, for the per-hop slope. */
  latencySteps: number[];
  /** How long a gateway waits for a reply event before answering 504, ms. */
  replyTimeoutMs: number;
  /** Sagas of each kind (delivered, cancelled) the saga experiment places. */
  sagas: number;
  /** Seconds the outcome probe orders for, in styles that answer orders later. */
  clientSeconds: number;
  /** Seconds of load per billing replica count (with `processes`). */
  scaleSeconds: number;
  /** Orders per second offered to each billing replica count (an open loop, the same for every style). */
  scaleRate: number;
  /** What each instance of a service can do at once in the replica experiment (billing the bottleneck, not the cores). */
  capacity: Capacity;
  /** RabbitMQ URL; the in-process broker when absent. */
  broker?: string;
  /** Run the replica experiment (one OS process per service, billing ×1, ×2, ×3). */
  processes: boolean;
}

/** What an experiment is given for one style: the style, the settings, and a way to boot a fresh system of it. */
export interface ExperimentContext {
  variant: Variant;
  settings: EvidenceSettings;
  /** Boots a fresh system of `variant` (closed by the experiment, and by an interrupt). */
  boot(): Promise<RunningSystem>;
  /** Set when the run is interrupted; experiments stop between steps. */
  signal: AbortSignal;
  /** Hears of every child process started, so that an interrupt stops it. */
  track(child: { close(): Promise<void> }): void;
}

/** One figure an experiment measures: its id, how it is labelled, its unit and how it is taken, in words. */
export interface MeasureInfo {
  id: string;
  label: string;
  unit: string;
  how: string;
}

/** What one run of an experiment on one style gave: figures by measure id, and how many samples each rests on. */
export interface ExperimentResult {
  figures: Record<string, number>;
  samples: Record<string, number>;
  /** Facts in words next to the figures (which calls were seen, say). */
  notes?: Record<string, string>;
}

/** One experiment: how it is tried (in words), what it measures, when it does not run, and the run itself. */
export interface Experiment {
  id: string;
  title: string;
  how(settings: EvidenceSettings): string;
  measures(settings: EvidenceSettings): MeasureInfo[];
  /** Reads a declaration rather than a running system: run once, not once per repeat. */
  runsOnce?: boolean;
  /** Why it is not run with these settings (undefined: it runs). */
  skipped?(settings: EvidenceSettings): string | undefined;
  run(context: ExperimentContext): Promise<ExperimentResult>;
}

/** An experiment could not be carried out (a system answered what no style answers). */
export class ExperimentError extends Error {
  readonly code = 'EXPERIMENT_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'ExperimentError';
  }
}

/** Boots a system, runs `work` on it and closes it, whatever happens. */
export async function withSystem<T>(context: ExperimentContext, work: (system: RunningSystem) => Promise<T>): Promise<T> {
  const system = await context.boot();
  try {
    return await work(system);
  } finally {
    await system.close();
  }
}

/** Throws when the run was interrupted: experiments call it between steps. */
export function checkpoint(context: ExperimentContext): void {
  if (context.signal.aborted) throw new ExperimentError('interrupted');
}
