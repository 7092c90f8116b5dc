import { z } from 'zod';

const percentiles = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() });
/** A figure measured n times: median and spread (min–max). */
const spread = z.object({ n: z.number().int(), median: z.number(), min: z.number(), max: z.number() });
/** The probe of one client next to a half load: see src/bench/client-probe.ts. */
const clientProbe = z.object({ orders: z.number(), pollEveryMs: z.number(), pollMs: percentiles, readsPerOrder: z.number(), pushMs: percentiles.optional() });
/** How the client learns an order's outcome: in the answer (201/422), by push after a 202, or by polling after a 202. */
const learnedBy = z.enum(['answer', 'push', 'poll']);
/** One client next to a main load, one order at a time: its first answer and when it knew the outcome (src/bench/outcome-probe.ts). */
const outcomeProbe = z.object({ orders: z.number(), by: learnedBy, pollEveryMs: z.number().optional(), answerMs: percentiles, outcomeMs: percentiles, unlearned: z.number() });

/** One load, as the client saw it (see src/bench/load-result.ts). */
const load = z.object({
  mode: z.enum(['closed', 'open']),
  offeredPerSecond: z.number().optional(),
  sentPerSecond: z.number(),
  answeredPerSecond: z.number(),
  acceptedPerSecond: z.number(),
  latencyMs: percentiles,
  samples: z.number(),
  statusCodes: z.record(z.string(), z.number()),
  errors: z.number(),
  timeouts: z.number(),
  late: z.number(),
  notSent: z.number(),
});

/** The repeats of one load, summed up: every rate and percentile as median and spread; counts as totals over the repeats. */
const loadSummary = z.object({
  sentPerSecond: spread,
  answeredPerSecond: spread,
  acceptedPerSecond: spread,
  p50: spread,
  p90: spread,
  p99: spread,
  max: spread,
  /** Answers each repeat's percentiles rest on. */
  samples: spread,
  /** Non-2xx answers, errors and timeouts, over all repeats. */
  failures: z.number(),
  late: z.number(),
  notSent: z.number(),
});

const orders = z.object({
  completed: z.number(),
  completedPerSecond: z.number(),
  toFinalMs: percentiles,
  toNotificationMs: percentiles,
  httpPerOrder: z.number(),
  messagesPerOrder: z.number(),
});
const sagaPath = z.object({ ms: percentiles, http: z.number(), messages: z.number() });
const sut = z.object({
  /** Orders placed since the measured load started that were final once it settled (reports before it: absent). */
  completedInWindow: z.number().optional(),
  saga: z.object({ sagas: z.number().int(), toDelivering: sagaPath, toCancelled: sagaPath }).optional(),
  cpuSeconds: z.number(),
  peakRssMb: z.number(),
  orders: orders.optional(),
  consistency: z.object({ ok: z.boolean(), problems: z.array(z.string()), summary: z.string() }).optional(),
  processes: z.array(z.object({ service: z.string(), pid: z.number(), cpuSeconds: z.number(), rssMb: z.number() })).optional(),
});

const baseline = z.object({ repeats: z.array(load), summary: loadSummary });

/** One figure of one row against the baseline: `slower`/`faster` only when the spreads (min–max over the repeats) do not overlap. */
const figureChange = z.object({
  row: z.string(),
  figure: z.string(),
  better: z.enum(['higher', 'lower']),
  baseline: spread,
  current: spread,
  /** This run's median over the baseline's (null when the baseline's is 0). */
  ratio: z.number().nullable(),
  verdict: z.enum(['slower', 'faster', 'no clear change']),
  /** Why no verdict could be drawn, when that is not the spreads overlapping (one measurement on a side). */
  why: z.string().optional(),
});
const baselineComparison = z.object({
  file: z.string(),
  date: z.string(),
  command: z.string(),
  version: z.string(),
  /** What differs between the two runs as a whole (settings, machine, figures one of them lacks), in plain words. */
  notes: z.array(z.string()),
  changes: z.array(figureChange),
  /** Rows left out, and why: measured differently, or measured in one run only. */
  notCompared: z.array(z.object({ row: z.string(), why: z.string() })),
  /** The styles' figures by verdict (the hello-world and floor rows measure the machine, and are not counted), and the rows not compared. */
  counts: z.object({ slower: z.number(), faster: z.number(), unclear: z.number(), notCompared: z.number() }),
});

/** The bench report (`report.json`): every figure the tables and charts show, and every single repeat's figures. */
export const benchReportSchema = z.object({
  tool: z.literal('orderctl bench'),
  version: z.string(),
  date: z.string(),
  command: z.string(),
  machine: z.object({ cpus: z.number(), cpuModel: z.string(), memoryGb: z.number(), node: z.string(), platform: z.string() }),
  settings: z.object({
    durationSeconds: z.number(),
    warmupSeconds: z.number(),
    repeat: z.number().int(),
    connections: z.number(),
    users: z.number(),
    /** Open loop for the main runs at this rate; closed loop (saturation) when absent. */
    rate: z.number().optional(),
    loadSteps: z.array(z.number()).optional(),
    /** The open loop's cap on unanswered requests (and connections). */
    maxInFlight: z.number(),
    /** The capacity every style's services were given (`billing=1x20ms`: workers × service time per instance); as fast as the machine when absent. */
    capacity: z.string().optional(),
  }),
  baselines: z.object({
    expressHello: baseline,
    nodeHttpHello: baseline,
    /** The floor: as many bare express hops in a row as an http order makes, each passing the body on over undici. */
    floor: baseline.extend({ hops: z.number().int(), cpuMsPerOrder: spread.optional() }).optional(),
    /** The expert reference: the http order's hops with the same durable writes, validation and token check, written lean (src/bench/expert/). */
    reference: baseline.extend({ hops: z.number().int(), cpuMsPerOrder: spread.optional() }).optional(),
  }),
  runs: z.array(
    z.object({
      variant: z.string(),
      broker: z.enum(['in-process', 'rabbitmq']),
      /** Where the services kept their data (reports before PostgreSQL: SQLite). */
      store: z.enum(['sqlite', 'postgres']).default('sqlite'),
      /** What the style declares, in words (`answers-orders-later`, `all-rest`): what the report compares it by. */
      traits: z.array(z.string()).default([]),
      /** Every repeat: the traced load, what the system reported after it, and the same load with tracing off. */
      repeats: z.array(z.object({ load, sut, tracingOff: load, outcome: outcomeProbe.optional() })),
      summary: z.object({
        load: loadSummary,
        tracingOff: loadSummary,
        completedPerSecond: spread.optional(),
        toFinalP50: spread.optional(),
        toFinalP99: spread.optional(),
        toNotificationP50: spread.optional(),
        toNotificationP99: spread.optional(),
        httpPerOrder: z.number().optional(),
        messagesPerOrder: z.number().optional(),
        /** The saga probe: from the POST to delivering, and to cancelled after delivery refused, median of the repeats' medians with spread; hops per saga. */
        saga: z
          .object({ sagas: z.number().int(), toDeliveringP50: spread, toCancelledP50: spread, hopsToDelivering: z.object({ http: z.number(), messages: z.number() }), hopsToCancelled: z.object({ http: z.number(), messages: z.number() }) })
          .optional(),
        cpuSeconds: spread,
        peakRssMb: spread,
        /** The outcome probe of the traced repeats: orders it placed per repeat, and each repeat's p50/p99 of the first answer and of the outcome known, as median and spread. */
        outcome: z
          .object({ by: learnedBy, pollEveryMs: z.number().optional(), orders: spread, answerP50: spread, answerP99: spread, outcomeP50: spread, outcomeP99: spread, unlearned: z.number() })
          .optional(),
      }),
      /** Per repeat: this run's accepted orders/s over the baseline's req/s of the same repeat, and over itself with tracing off. */
      ratios: z.object({ toExpressHello: spread, toNodeHttpHello: spread, tracingOnToOff: spread, toFloor: spread.optional(), toReference: spread.optional() }),
      /** CPU milliseconds per order (all services in one process): CPU from the load's start until its orders settled, over the orders completed in that window. */
      cpuMsPerOrder: spread.optional(),
      /** The same figure of the floor and of the expert reference measured right before each repeat of this run. */
      floorCpuMsPerOrder: spread.optional(),
      referenceCpuMsPerOrder: spread.optional(),
      halfLoad: z
        .object({
          rate: z.number(),
          repeats: z.array(z.object({ load, toNotificationMs: percentiles, client: clientProbe.optional() })),
          summary: loadSummary,
          toNotificationP50: spread,
          toNotificationP99: spread,
          /** One client next to the load, learning each of its orders' outcome by polling every `pollEveryMs` and by push. */
          toClient: z
            .object({ pollEveryMs: z.number(), orders: z.number(), pollP50: spread, pollP99: spread, readsPerOrder: spread, pushP50: spread.optional(), pushP99: spread.optional() })
            .optional(),
        })
        .optional(),
      steps: z.array(z.object({ rate: z.number(), repeats: z.array(load), summary: loadSummary })).optional(),
    }),
  ),
  /** `--processes`: each variant with one OS process per service, billing ×1, ×2, ×3. */
  processes: z
    .array(
      z.object({
        variant: z.string(),
        broker: z.enum(['in-process', 'rabbitmq']),
        store: z.enum(['sqlite', 'postgres']).default('sqlite'),
        billingReplicas: z.number().int(),
        repeats: z.array(z.object({ load, sut })),
        summary: loadSummary,
        toFloor: spread.optional(),
        toReference: spread.optional(),
        /** CPU milliseconds per order completed in the measured window, per service (its replicas together). */
        cpuMsPerOrder: z.record(z.string(), spread),
      }),
    )
    .optional(),
  /** Neutral comparisons in plain words; `withinSpread` is null when there was one measurement each (nothing to judge by). */
  comparisons: z.array(z.object({ topic: z.string(), text: z.string(), ratio: spread.optional(), withinSpread: z.boolean().nullable() })),
  consistent: z.boolean(),
  /** `--baseline`: this run against a stored one, figure by figure, like with like only. */
  baseline: baselineComparison.optional(),
});

export type BenchReport = z.infer<typeof benchReportSchema>;
export type BenchRun = BenchReport['runs'][number];
export type LoadSummary = z.infer<typeof loadSummary>;
/** The `--baseline` section of a report. */
export type BaselineComparison = z.infer<typeof baselineComparison>;
/** One figure of one row against the baseline. */
export type FigureChange = z.infer<typeof figureChange>;
/** How the client learns an order's outcome. */
export type LearnedBy = z.infer<typeof learnedBy>;
/** What the outcome probe saw in one repeat. */
export type OutcomeProbe = z.infer<typeof outcomeProbe>;
