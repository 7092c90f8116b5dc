import { pauseUnless } from '../core/duration.js';
import type { BenchListener } from './bench-run.js';
import { maxInFlightFor } from './bench-run.js';
import type { LoadResult } from './load-result.js';
import { runOpenLoop } from './open-loop.js';
import type { LoadOrders } from './soak-protocol.js';
import { startSoakSut } from './soak-sut.js';
import type { RunBasics } from './sut.js';

/** How to soak: the system as `serve` runs it, an open loop at `rate` for `durationSeconds`, then idle. */
export interface SoakOptions extends RunBasics {
  variant: string;
  broker?: string;
  store?: string;
  processes?: boolean;
  rate: number;
  durationSeconds: number;
  /** Seconds of no load after it, sampled too (0: none). */
  idleSeconds: number;
  /** Seconds between samples. */
  sampleEverySeconds: number;
}

/** One memory sample: seconds from the load's start (negative: before it), and what the system held. */
export interface SoakSample {
  atSeconds: number;
  phase: 'before' | 'load' | 'idle';
  rssMb: number;
  heapUsedMb: number;
}

/** A figure read at one sample. */
export interface SampledFigure {
  rssMb: number;
  atSeconds: number;
}

/** The memory targets of issue 25, checked (a machine-dependent outcome, stated, never asserted by tests). */
export const SOAK_TARGETS = { peakRssMb: 300, afterIdleRssMb: 200 } as const;

/** What `orderctl bench --soak` reports. */
export interface SoakReport {
  kind: 'soak';
  command: string;
  version: string;
  startedAt: string;
  variant: string;
  processes: boolean;
  store: 'sqlite' | 'postgres';
  rate: number;
  durationSeconds: number;
  idleSeconds: number;
  sampleEverySeconds: number;
  /** The glibc setting the system's process started with (bin/orderctl and the image set it), or null when unset. */
  mallocMmapThreshold: string | null;
  samples: SoakSample[];
  peak: SampledFigure;
  endOfLoad: SampledFigure;
  /** The last sample of the idle time (absent with --idle 0). */
  afterIdle?: SampledFigure;
  peakHeapUsedMb: number;
  load: LoadResult;
  /** Orders the load placed (read back from the order service after the idle time): every one sent should be final. */
  orders: LoadOrders & { sent: number };
  targets: { peakRssMb: number; afterIdleRssMb: number; peakMet: boolean; afterIdleMet?: boolean };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Runs the soak: boots, samples before, during and after the load and through the idle time, reads the orders back, stops. */
export async function runSoak(options: SoakOptions, listener: BenchListener): Promise<SoakReport> {
  const startedAt = new Date().toISOString();
  listener.phase(`booting ${options.variant}`, 0);
  const sut = await startSoakSut(
    { variant: options.variant, broker: options.broker, store: options.store, processes: options.processes, users: options.users, userPrefix: 'soak' },
    options.track,
  );
  try {
    listener.phaseDone(`booting ${options.variant}`, `${sut.bootMs} ms, ${options.users} customers ready`);
    const samples: SoakSample[] = [];
    let origin = performance.now();
    const take = async (phase: SoakSample['phase']) => {
      const at = (performance.now() - origin) / 1000;
      const sample = await sut.sample();
      samples.push({ atSeconds: round1(at), phase, ...sample });
    };
    await take('before');
    samples[0].atSeconds = 0;
    origin = performance.now();
    let sampling: Promise<void> = Promise.resolve();
    const sampler = setInterval(() => (sampling = sampling.then(() => take('load')).catch(() => {})), options.sampleEverySeconds * 1000);
    const since = Date.now();
    const loadName = `load at ${options.rate} orders/s`;
    listener.phase(loadName, options.durationSeconds);
    let load: LoadResult;
    try {
      load = await runOpenLoop(sut.url, sut.path, sut.users, { rate: options.rate, durationSeconds: options.durationSeconds, maxInFlight: maxInFlightFor(options.rate, options.connections), signal: options.signal }, listener.tick);
    } finally {
      clearInterval(sampler);
      await sampling;
    }
    await take('load');
    const endOfLoadAt = samples.length - 1;
    listener.phaseDone(loadName, `${load.answeredPerSecond} answers/s, p99 ${Math.round(load.latencyMs.p99)} ms, RSS ${samples[endOfLoadAt].rssMb} MB at the end`);
    if (options.idleSeconds > 0) {
      listener.phase('idle', options.idleSeconds);
      const idleStart = performance.now();
      const idleTicker = setInterval(() => listener.tick((performance.now() - idleStart) / 1000, 0), 500);
      try {
        for (let next = options.sampleEverySeconds; ; next += options.sampleEverySeconds) {
          const last = next >= options.idleSeconds;
          await pauseUnless(Math.max(0, idleStart + Math.min(next, options.idleSeconds) * 1000 - performance.now()), options.signal ?? new AbortController().signal);
          if (options.signal?.aborted) break;
          await take('idle');
          if (last) break;
        }
      } finally {
        clearInterval(idleTicker);
      }
      listener.phaseDone('idle', `RSS ${samples[samples.length - 1].rssMb} MB after ${options.idleSeconds} s`);
    }
    await sut.settle();
    const orders = await sut.orders(since);
    const figure = (i: number): SampledFigure => ({ rssMb: samples[i].rssMb, atSeconds: samples[i].atSeconds });
    const peakAt = samples.reduce((best, s, i) => (s.rssMb > samples[best].rssMb ? i : best), 0);
    const afterIdle = options.idleSeconds > 0 && samples[samples.length - 1].phase === 'idle' ? figure(samples.length - 1) : undefined;
    const sent = Math.round(load.samples - load.notSent);
    return {
      kind: 'soak',
      command: options.command,
      version: options.version,
      startedAt,
      variant: options.variant,
      processes: !!options.processes,
      store: options.store ? 'postgres' : 'sqlite',
      rate: options.rate,
      durationSeconds: options.durationSeconds,
      idleSeconds: options.idleSeconds,
      sampleEverySeconds: options.sampleEverySeconds,
      mallocMmapThreshold: sut.mallocMmapThreshold,
      samples,
      peak: figure(peakAt),
      endOfLoad: figure(endOfLoadAt),
      ...(afterIdle ? { afterIdle } : {}),
      peakHeapUsedMb: Math.max(...samples.map((s) => s.heapUsedMb)),
      load,
      orders: { ...orders, sent },
      targets: {
        ...SOAK_TARGETS,
        peakMet: samples[peakAt].rssMb < SOAK_TARGETS.peakRssMb,
        ...(afterIdle ? { afterIdleMet: afterIdle.rssMb < SOAK_TARGETS.afterIdleRssMb } : {}),
      },
    };
  } finally {
    await sut.close();
  }
}
