import { cpus, totalmem } from 'node:os';
import type { Variant } from '../variants/variant.js';
import type { Target } from './bench-protocol.js';
import type { BenchReport, BenchRun } from './bench-report-schema.js';
import { runLoad, type LoadOptions, type LoadResult } from './load.js';
import { startSut } from './sut.js';
import { evaluateTargets } from './targets.js';

/** What to bench. */
export interface BenchOptions {
  variants: Variant[];
  durationSeconds: number;
  connections: number;
  /** Customers prepared per system; each request orders as the next one. */
  users: number;
  rate?: number;
  loadSteps?: number[];
  /** RabbitMQ URL: event variants then run on it and on the in-process broker. */
  broker?: string;
  command: string;
  version: string;
}

/** Hears how the bench goes, for a progress bar. */
export interface BenchListener {
  phase(name: string, seconds: number): void;
  tick(seconds: number, requests: number): void;
  phaseDone(name: string, summary: string): void;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Boots each target in its own process, loads it, and puts every figure into one report. */
export async function runBench(options: BenchOptions, listener: BenchListener): Promise<BenchReport> {
  const measure = async (name: string, target: Target, load: LoadOptions) => {
    listener.phase(`${name}: preparing`, 0);
    const sut = await startSut(target, target.kind === 'variant' ? options.users : 0);
    try {
      listener.phase(name, load.durationSeconds);
      sut.loadStarted();
      const result = await runLoad(sut.url, sut.path, sut.users, load, listener.tick);
      listener.phaseDone(name, `${result.acceptedPerSecond} accepted/s, p99 ${result.latencyMs.p99} ms`);
      return { result, stats: await sut.collect() };
    } finally {
      await sut.stop();
    }
  };
  const saturating: LoadOptions = { connections: options.connections, durationSeconds: options.durationSeconds };
  const load: LoadOptions = { ...saturating, rate: options.rate };
  const express = (await measure('express hello-world', { kind: 'express-hello' }, saturating)).result;
  const nodeHttp = (await measure('node:http hello-world', { kind: 'http-hello' }, saturating)).result;

  const brokers: (string | undefined)[] = options.broker ? [undefined, options.broker] : [undefined];
  const runs: BenchRun[] = [];
  for (const variant of options.variants) {
    const usesBroker = variant.commands === 'broker' || Object.values(variant.links).some((link) => link !== 'rest');
    for (const broker of usesBroker ? brokers : [undefined]) {
      const label = `${variant.name}${broker ? ' on RabbitMQ' : ''}`;
      const target = (tracing: boolean): Target => ({ kind: 'variant', variant: variant.name, broker, tracing });
      const traced = await measure(label, target(true), load);
      const untraced = (await measure(`${label}, tracing off`, target(false), load)).result;
      const run: BenchRun = {
        variant: variant.name,
        broker: broker ? 'rabbitmq' : 'in-process',
        load: traced.result,
        sut: traced.stats,
        tracingOff: untraced,
        ratios: {
          toExpressHello: round(traced.result.acceptedPerSecond / Math.max(1, express.requestsPerSecond), 3),
          toNodeHttpHello: round(traced.result.acceptedPerSecond / Math.max(1, nodeHttp.requestsPerSecond), 3),
          tracingOnToOff: round(traced.result.acceptedPerSecond / Math.max(1, untraced.acceptedPerSecond), 3),
        },
      };
      if (variant.name === 'hybrid' && !options.rate) {
        const rate = Math.max(1, Math.round(traced.result.acceptedPerSecond / 2));
        const half = await measure(`${label} at half its saturation (${rate}/s)`, target(true), { ...saturating, rate });
        run.halfLoad = { rate, latencyMs: half.result.latencyMs, toNotificationMs: half.stats.orders?.toNotificationMs ?? { p50: 0, p90: 0, p99: 0, max: 0 } };
      }
      if (options.loadSteps?.length) {
        run.steps = [];
        for (const rate of options.loadSteps) {
          const step: LoadResult = (await measure(`${label} at ${rate}/s`, target(true), { ...saturating, rate })).result;
          run.steps.push({ rate, latencyMs: step.latencyMs, acceptedPerSecond: step.acceptedPerSecond });
        }
      }
      runs.push(run);
    }
  }
  const report: BenchReport = {
    tool: 'orderctl bench',
    version: options.version,
    date: new Date().toISOString(),
    command: options.command,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` },
    settings: { durationSeconds: options.durationSeconds, connections: options.connections, users: options.users, rate: options.rate, loadSteps: options.loadSteps },
    baselines: { expressHello: express, nodeHttpHello: nodeHttp },
    runs,
    targets: [],
    consistent: runs.every((r) => r.sut.consistency?.ok !== false),
  };
  report.targets = evaluateTargets(report);
  return report;
}
