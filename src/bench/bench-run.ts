import { cpus, totalmem } from 'node:os';
import { median } from '../core/stats.js';
import { variantRef } from '../variants/index.js';
import { traitsOf, usesBroker, type Variant } from '../variants/variant.js';
import type { Percentiles, SutStats, Target } from './bench-protocol.js';
import type { BenchReport, BenchRun, LearnedBy, OutcomeProbe } from './bench-report-schema.js';
import { runClosedLoop } from './closed-loop.js';
import { compareRuns } from './comparisons.js';
import type { LoadResult } from './load-result.js';
import { runOpenLoop } from './open-loop.js';
import { ratioSpread, spread, summarizeLoads } from './summaries.js';
import { startSut, type RunBasics } from './sut.js';
import { probeClient, type ClientProbe } from './client-probe.js';
import type { SagaProbe } from './saga-probe.js';
import { httpOrderHops } from './floor-hops.js';
import { EXPERT_HOPS } from './expert/expert-reference.js';
import { cpuMsPerOrder } from './cpu-per-order.js';
import { learnedByOf, probeOutcome, summarizeOutcomes } from './outcome-probe.js';
import { capacityText, type Capacity } from '../system/capacity.js';

/** What to bench. */
export interface BenchOptions extends RunBasics {
  variants: Variant[];
  durationSeconds: number;
  /** Seconds of the same load before each measurement, not counted (0: none). */
  warmupSeconds: number;
  /** How many times each measurement is made. */
  repeat: number;
  /** Open loop at this rate for the main runs (closed loop, saturating, when absent). */
  rate?: number;
  loadSteps?: number[];
  /** RabbitMQ URL: event variants then run on it and on the in-process broker. */
  broker?: string;
  /** Also run each variant with one OS process per service (over `broker`), billing ×1, ×2 and ×3. */
  processes?: boolean;
  /** PostgreSQL URL: every run is repeated with the services' data there, next to the run on SQLite. */
  store?: string;
  /** What each instance of a service can do at once, in every run of a style (not the baselines). */
  capacity?: Capacity;
}

/** Hears how the bench goes, for a progress bar. */
export interface BenchListener {
  phase(name: string, seconds: number): void;
  tick(seconds: number, requests: number): void;
  phaseDone(name: string, summary: string): void;
}

/** The bench was interrupted. */
export class BenchInterrupted extends Error {
  constructor() {
    super('the bench was interrupted');
    this.name = 'BenchInterrupted';
  }
}

/** Most requests an open loop keeps unanswered at once (and most connections it opens). */
export const MAX_IN_FLIGHT_CAP = 512;
const ZERO: Percentiles = { p50: 0, p90: 0, p99: 0, max: 0 };
/** How often the probe's polling client reads its order: a client polling twice a second would learn later still. */
const POLL_EVERY_MS = 100;

/** A measurement beside the styles (the floor, the expert reference): its load and its CPU per order. */
interface Beside {
  load: LoadResult;
  cpuMsPerOrder: number;
}

/** A load: closed loop (saturation) or open loop at a rate. */
type Plan = { kind: 'closed' } | { kind: 'open'; rate: number };

/** The in-flight cap of an open loop: a second's worth of requests, at least `connections`, at most MAX_IN_FLIGHT_CAP. */
export const maxInFlightFor = (rate: number, connections: number) => Math.min(MAX_IN_FLIGHT_CAP, Math.max(connections, Math.ceil(rate)));

/**
 * Boots each target in its own process, loads it, and puts every figure into one report. Each measurement is
 * repeated `repeat` times, round by round (every target once per round), so a slow moment of the machine
 * spreads over all of them instead of falling on one.
 */
export async function runBench(options: BenchOptions, listener: BenchListener): Promise<BenchReport> {
  const checkpoint = () => {
    if (options.signal?.aborted) throw new BenchInterrupted();
  };
  const inFlightCap = maxInFlightFor(Math.max(options.rate ?? 0, ...(options.loadSteps ?? [])), options.connections);
  const load = (url: string, path: string, users: { token: string }[], plan: Plan, seconds: number) =>
    plan.kind === 'closed'
      ? runClosedLoop(url, path, users, { connections: options.connections, durationSeconds: seconds, signal: options.signal }, listener.tick)
      : runOpenLoop(url, path, users, { rate: plan.rate, durationSeconds: seconds, maxInFlight: maxInFlightFor(plan.rate, options.connections), signal: options.signal }, listener.tick);
  /** One load on a freshly booted target; `probe` adds the half load's polling/push client, `outcome` the main load's outcome probe. */
  const measure = async (name: string, target: Target, plan: Plan, extra: { probe?: { push: boolean }; outcome?: LearnedBy } = {}): Promise<{ result: LoadResult; stats: SutStats; probe?: ClientProbe; outcome?: OutcomeProbe }> => {
    const { probe } = extra;
    checkpoint();
    listener.phase(`${name}: preparing`, 0);
    const sut = await startSut(target, target.kind === 'variant' || target.kind === 'expert-reference' ? options.users : 0, options.track);
    try {
      if (options.warmupSeconds > 0) {
        checkpoint();
        listener.phase(`${name}: warming up`, options.warmupSeconds);
        await load(sut.url, sut.path, sut.users, plan, options.warmupSeconds);
        // A warm-up beyond a declared capacity leaves a backlog: the measurement starts once it is worked off.
        await sut.settle();
      }
      checkpoint();
      listener.phase(name, options.durationSeconds);
      await sut.loadStarted();
      // Next to the load, one more client learns its orders' outcomes by polling and by push.
      const probing = probe && probeClient(sut.url, sut.users[0].token, { seconds: options.durationSeconds, pollEveryMs: POLL_EVERY_MS, push: probe.push, signal: options.signal });
      // And in a main load, one more learns when each of its orders' outcome is known (in the answer, by push or by polling).
      const learning = extra.outcome && probeOutcome(sut.url, sut.users[0].token, { seconds: options.durationSeconds, by: extra.outcome, pollEveryMs: POLL_EVERY_MS, signal: options.signal });
      const result = await load(sut.url, sut.path, sut.users, plan, options.durationSeconds);
      const probed = await probing;
      const learned = await learning;
      checkpoint();
      const offered = plan.kind === 'open' ? `${plan.rate}/s offered, ${result.sentPerSecond}/s sent, ` : '';
      listener.phaseDone(name, `${offered}${result.acceptedPerSecond} accepted/s (2xx answers), p99 ${result.latencyMs.p99} ms (${result.samples} answers)`);
      return { result, stats: await sut.collect(learned?.traceIds), ...(probed ? { probe: probed } : {}), ...(learned ? { outcome: learned.probe } : {}) };
    } finally {
      await sut.stop();
    }
  };
  const of = (r: number) => (options.repeat > 1 ? ` [${r}/${options.repeat}]` : '');
  const mainPlan: Plan = options.rate ? { kind: 'open', rate: options.rate } : { kind: 'closed' };

  const stores: (string | undefined)[] = options.store ? [undefined, options.store] : [undefined];
  const onStore = (store?: string) => (store ? ' on PostgreSQL' : '');
  interface Planned {
    variant: Variant;
    broker?: string;
    store?: string;
    label: string;
    target: (tracing: boolean) => Target;
    repeats: BenchRun['repeats'];
    /** The floor and the expert reference measured just before each repeat of it, round by round. */
    floors: Beside[];
    references: Beside[];
  }
  const brokers: (string | undefined)[] = options.broker ? [undefined, options.broker] : [undefined];
  const planned: Planned[] = options.variants.flatMap((variant) => {
    return stores.flatMap((store) =>
      (usesBroker(variant) ? brokers : [undefined]).map((broker) => ({
        variant,
        broker,
        store,
        label: `${variant.name}${broker ? ' on RabbitMQ' : ''}${onStore(store)}`,
        target: (tracing: boolean): Target => ({ kind: 'variant', variant: variantRef(variant), broker, store, tracing, ...(options.capacity ? { capacity: options.capacity } : {}) }),
        repeats: [],
        floors: [],
        references: [],
      })),
    );
  });

  interface Scaled {
    variant: string;
    broker?: string;
    store?: string;
    billing: number;
    label: string;
    target: Target;
    repeats: { load: LoadResult; sut: SutStats }[];
    floors: Beside[];
    references: Beside[];
  }
  const scaled: Scaled[] = options.processes
    ? options.variants.flatMap((variant) =>
        stores.flatMap((store) =>
          [1, 2, 3].map((billing) => {
            const broker = usesBroker(variant) ? options.broker : undefined;
            const label = `${variant.name}${onStore(store)}, one process per service, billing×${billing}`;
            return { variant: variant.name, broker, store, billing, label, target: { kind: 'variant', variant: variantRef(variant), broker, store, tracing: true, processes: { replicas: { billing } }, ...(options.capacity ? { capacity: options.capacity } : {}) }, repeats: [], floors: [], references: [] };
          }),
        ),
      )
    : [];

  checkpoint();
  listener.phase('counting the hops of an http order (for the floor)', 0);
  const hops = await httpOrderHops();
  // The reference is written with the http order's hops: when the count differs, it is no reference for this build.
  const withReference = hops === EXPERT_HOPS;
  if (!withReference) listener.phaseDone('expert reference', `left out: an http order makes ${hops} HTTP exchanges, the reference ${EXPERT_HOPS}`);
  const express: LoadResult[] = [];
  const nodeHttp: LoadResult[] = [];
  const floor: Beside[] = [];
  const reference: Beside[] = [];
  for (let r = 1; r <= options.repeat; r++) {
    express.push((await measure(`express hello-world${of(r)}`, { kind: 'express-hello' }, { kind: 'closed' })).result);
    nodeHttp.push((await measure(`node:http hello-world${of(r)}`, { kind: 'http-hello' }, { kind: 'closed' })).result);
    // The floor right before each style it is a ratio for: each ratio comes from neighbouring measurements, so drift of a shared machine cancels.
    const besideNow = async (name: string, target: Target, into: Beside[]): Promise<Beside> => {
      const { result, stats } = await measure(`${name}${of(r)}`, target, mainPlan);
      const beside = { load: result, cpuMsPerOrder: cpuMsPerOrder(stats, result) };
      into.push(beside);
      return beside;
    };
    const floorNow = (before: string) => besideNow(`floor: ${hops} bare express hops, before ${before}`, { kind: 'hop-chain', hops }, floor);
    // The reference keeps its data in SQLite: it is no like for a style on PostgreSQL, which gets none.
    const referenceNow = async (before: string, store?: string) => (withReference && !store ? besideNow(`expert reference: ${hops} lean hops with the same durable writes, before ${before}`, { kind: 'expert-reference' }, reference) : undefined);
    for (const p of planned) {
      p.floors.push(await floorNow(p.label));
      const ref = await referenceNow(p.label, p.store);
      if (ref) p.references.push(ref);
      // The outcome probe runs next to both loads, so that tracing on and off carry the same extra client.
      const outcome = learnedByOf(traitsOf(p.variant));
      const traced = await measure(`${p.label}${of(r)}`, p.target(true), mainPlan, { outcome });
      const untraced = await measure(`${p.label}, tracing off${of(r)}`, p.target(false), mainPlan, { outcome });
      p.repeats.push({ load: traced.result, sut: traced.stats, tracingOff: untraced.result, ...(traced.outcome ? { outcome: traced.outcome } : {}) });
    }
    for (const p of scaled) {
      // One floor before each style's replica counts, for all three.
      const first = scaled.find((q) => q.variant === p.variant && q.store === p.store)!;
      const before = `${p.variant}${onStore(p.store)}, one process per service`;
      p.floors.push(first === p ? await floorNow(before) : first.floors[r - 1]);
      const ref = first === p ? await referenceNow(before, p.store) : first.references[r - 1];
      if (ref) p.references.push(ref);
      const run = await measure(`${p.label}${of(r)}`, p.target, mainPlan);
      p.repeats.push({ load: run.result, sut: run.stats });
    }
  }
  const answered = (besides: Beside[]) => besides.map((b) => b.load.answeredPerSecond);
  const accepted = (besides: Beside[]) => besides.map((b) => b.load.acceptedPerSecond);
  const cpuOf = (besides: Beside[]) => (besides.length ? { cpuMsPerOrder: spread(besides.map((b) => b.cpuMsPerOrder)) } : {});
  const runs: BenchRun[] = planned.map((p) => ({
    ...runOf(p.variant, p.broker, p.store, p.repeats, express, nodeHttp),
    cpuMsPerOrder: spread(p.repeats.map((x) => cpuMsPerOrder(x.sut, x.load))),
    floorCpuMsPerOrder: spread(p.floors.map((b) => b.cpuMsPerOrder)),
    ...(p.references.length ? { referenceCpuMsPerOrder: spread(p.references.map((b) => b.cpuMsPerOrder)) } : {}),
  }));
  runs.forEach((run, i) => {
    const orders = run.repeats.map((x) => x.load.acceptedPerSecond);
    run.ratios.toFloor = ratioSpread(orders, answered(planned[i].floors));
    // The reference's orders/s, as a style's: 2xx answers (an overloaded reference's 502s do not count).
    if (planned[i].references.length) run.ratios.toReference = ratioSpread(orders, accepted(planned[i].references));
  });
  const processes: NonNullable<BenchReport['processes']> = scaled.map((p) => {
    const services = [...new Set(p.repeats.flatMap((x) => (x.sut.processes ?? []).map((c) => c.service)))];
    const perService = (service: string) => spread(p.repeats.map((x) => cpuMsPerOrder({ ...x.sut, cpuSeconds: (x.sut.processes ?? []).filter((c) => c.service === service).reduce((n, c) => n + c.cpuSeconds, 0) }, x.load)));
    return {
      variant: p.variant,
      broker: p.broker ? 'rabbitmq' : 'in-process',
      store: p.store ? 'postgres' : 'sqlite',
      billingReplicas: p.billing,
      repeats: p.repeats,
      summary: summarizeLoads(p.repeats.map((x) => x.load)),
      toFloor: ratioSpread(p.repeats.map((x) => x.load.acceptedPerSecond), answered(p.floors)),
      ...(p.references.length ? { toReference: ratioSpread(p.repeats.map((x) => x.load.acceptedPerSecond), accepted(p.references)) } : {}),
      cpuMsPerOrder: Object.fromEntries(services.map((service) => [service, perService(service)])),
    };
  });
  // Hybrid answers before it has finished: how long does an order take to its notification when the system is not saturated?
  if (!options.rate) {
    for (const run of runs.filter((x) => x.traits.includes('answers-orders-later'))) {
      const p = planned[runs.indexOf(run)];
      const rate = Math.max(1, Math.round(run.summary.load.acceptedPerSecond.median / 2));
      const repeats: NonNullable<BenchRun['halfLoad']>['repeats'] = [];
      for (let r = 1; r <= options.repeat; r++) {
        const half = await measure(`${p.label} at half its saturation (${rate}/s)${of(r)}`, p.target(true), { kind: 'open', rate }, { probe: { push: run.traits.includes('pushes-order-status') } });
        repeats.push({ load: half.result, toNotificationMs: half.stats.orders?.toNotificationMs ?? ZERO, ...(half.probe ? { client: half.probe } : {}) });
      }
      const probes = repeats.flatMap((x) => (x.client ? [x.client] : []));
      run.halfLoad = {
        rate,
        repeats,
        summary: summarizeLoads(repeats.map((x) => x.load)),
        toNotificationP50: spread(repeats.map((x) => x.toNotificationMs.p50)),
        toNotificationP99: spread(repeats.map((x) => x.toNotificationMs.p99)),
        ...(probes.length
          ? {
              toClient: {
                pollEveryMs: POLL_EVERY_MS,
                orders: probes.reduce((n, x) => n + x.orders, 0),
                pollP50: spread(probes.map((x) => x.pollMs.p50)),
                pollP99: spread(probes.map((x) => x.pollMs.p99)),
                readsPerOrder: spread(probes.map((x) => x.readsPerOrder)),
                ...(probes.every((x) => x.pushMs) ? { pushP50: spread(probes.map((x) => x.pushMs!.p50)), pushP99: spread(probes.map((x) => x.pushMs!.p99)) } : {}),
              },
            }
          : {}),
      };
    }
  }
  if (options.loadSteps?.length) {
    const steps = runs.map(() => new Map<number, LoadResult[]>(options.loadSteps!.map((rate) => [rate, []])));
    for (let r = 1; r <= options.repeat; r++) {
      for (const [i, p] of planned.entries()) {
        for (const rate of options.loadSteps) steps[i].get(rate)!.push((await measure(`${p.label} at ${rate}/s${of(r)}`, p.target(true), { kind: 'open', rate })).result);
      }
    }
    runs.forEach((run, i) => (run.steps = [...steps[i]].map(([rate, repeats]) => ({ rate, repeats, summary: summarizeLoads(repeats) }))));
  }

  const report: BenchReport = {
    tool: 'orderctl bench',
    version: options.version,
    date: new Date().toISOString(),
    command: options.command,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` },
    settings: {
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      repeat: options.repeat,
      connections: options.connections,
      users: options.users,
      rate: options.rate,
      loadSteps: options.loadSteps,
      maxInFlight: inFlightCap,
      ...(options.capacity ? { capacity: capacityText(options.capacity) } : {}),
    },
    baselines: {
      expressHello: { repeats: express, summary: summarizeLoads(express) },
      nodeHttpHello: { repeats: nodeHttp, summary: summarizeLoads(nodeHttp) },
      floor: { hops, repeats: floor.map((b) => b.load), summary: summarizeLoads(floor.map((b) => b.load)), ...cpuOf(floor) },
      ...(reference.length ? { reference: { hops: EXPERT_HOPS, repeats: reference.map((b) => b.load), summary: summarizeLoads(reference.map((b) => b.load)), ...cpuOf(reference) } } : {}),
    },
    runs,
    ...(processes.length ? { processes } : {}),
    comparisons: [],
    consistent: [...runs, ...processes].every((r) => r.repeats.every((x) => x.sut.consistency?.ok !== false)),
  };
  report.comparisons = compareRuns(report);
  return report;
}

/** The saga probes of a run's repeats, summed up: how many sagas each repeat timed, the medians' spread, the hops (median). */
function sagaSummary(probes: SagaProbe[]) {
  if (!probes.length) return undefined;
  const hops = (pick: (p: SagaProbe) => SagaProbe['toDelivering']) => ({ http: median(probes.map((p) => pick(p).http)), messages: median(probes.map((p) => pick(p).messages)) });
  return {
    sagas: probes[0].sagas,
    toDeliveringP50: spread(probes.map((p) => p.toDelivering.ms.p50)),
    toCancelledP50: spread(probes.map((p) => p.toCancelled.ms.p50)),
    hopsToDelivering: hops((p) => p.toDelivering),
    hopsToCancelled: hops((p) => p.toCancelled),
  };
}

/** One variant on one broker: its repeats, summed up, and related to the baselines of the same rounds. */
function runOf(variant: Variant, broker: string | undefined, store: string | undefined, repeats: BenchRun['repeats'], express: LoadResult[], nodeHttp: LoadResult[]): BenchRun {
  const accepted = repeats.map((x) => x.load.acceptedPerSecond);
  const orders = repeats.flatMap((x) => (x.sut.orders ? [x.sut.orders] : []));
  const ordersSpread = (pick: (o: (typeof orders)[number]) => number) => (orders.length ? spread(orders.map(pick)) : undefined);
  return {
    variant: variant.name,
    broker: broker ? 'rabbitmq' : 'in-process',
    store: store ? 'postgres' : 'sqlite',
    traits: traitsOf(variant),
    repeats,
    summary: {
      load: summarizeLoads(repeats.map((x) => x.load)),
      tracingOff: summarizeLoads(repeats.map((x) => x.tracingOff)),
      completedPerSecond: ordersSpread((o) => o.completedPerSecond),
      toFinalP50: ordersSpread((o) => o.toFinalMs.p50),
      toFinalP99: ordersSpread((o) => o.toFinalMs.p99),
      toNotificationP50: ordersSpread((o) => o.toNotificationMs.p50),
      toNotificationP99: ordersSpread((o) => o.toNotificationMs.p99),
      httpPerOrder: orders.length ? median(orders.map((o) => o.httpPerOrder)) : undefined,
      messagesPerOrder: orders.length ? median(orders.map((o) => o.messagesPerOrder)) : undefined,
      saga: sagaSummary(repeats.flatMap((x) => (x.sut.saga ? [x.sut.saga] : []))),
      cpuSeconds: spread(repeats.map((x) => x.sut.cpuSeconds)),
      peakRssMb: spread(repeats.map((x) => x.sut.peakRssMb)),
      outcome: summarizeOutcomes(repeats.flatMap((x) => (x.outcome ? [x.outcome] : []))),
    },
    ratios: {
      toExpressHello: ratioSpread(accepted, express.map((l) => l.answeredPerSecond)),
      toNodeHttpHello: ratioSpread(accepted, nodeHttp.map((l) => l.answeredPerSecond)),
      tracingOnToOff: ratioSpread(accepted, repeats.map((x) => x.tracingOff.acceptedPerSecond)),
    },
  };
}
