import { z } from 'zod';

const percentiles = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() });
const load = z.object({
  requestsPerSecond: z.number(),
  acceptedPerSecond: z.number(),
  latencyMs: percentiles,
  statusCodes: z.record(z.string(), z.number()),
  errors: z.number(),
  timeouts: z.number(),
});

/** The bench report (`report.json`): every figure the tables and charts show. */
export const benchReportSchema = z.object({
  tool: z.literal('orderctl bench'),
  version: z.string(),
  date: z.string(),
  command: z.string(),
  machine: z.object({ cpus: z.number(), cpuModel: z.string(), memoryGb: z.number(), node: z.string(), platform: z.string() }),
  settings: z.object({ durationSeconds: z.number(), connections: z.number(), users: z.number(), rate: z.number().optional(), loadSteps: z.array(z.number()).optional() }),
  baselines: z.object({ expressHello: load, nodeHttpHello: load }),
  runs: z.array(
    z.object({
      variant: z.string(),
      broker: z.enum(['in-process', 'rabbitmq']),
      load,
      sut: z.object({
        cpuSeconds: z.number(),
        peakRssMb: z.number(),
        orders: z
          .object({
            completed: z.number(),
            completedPerSecond: z.number(),
            toFinalMs: percentiles,
            toNotificationMs: percentiles,
            httpPerOrder: z.number(),
            messagesPerOrder: z.number(),
          })
          .optional(),
        consistency: z.object({ ok: z.boolean(), problems: z.array(z.string()), summary: z.string() }).optional(),
      }),
      ratios: z.object({ toExpressHello: z.number(), toNodeHttpHello: z.number(), tracingOnToOff: z.number().optional() }),
      tracingOff: load.optional(),
      halfLoad: z.object({ rate: z.number(), latencyMs: percentiles, toNotificationMs: percentiles }).optional(),
      steps: z.array(z.object({ rate: z.number(), latencyMs: percentiles, acceptedPerSecond: z.number() })).optional(),
    }),
  ),
  targets: z.array(z.object({ target: z.string(), met: z.boolean().nullable(), detail: z.string() })),
  consistent: z.boolean(),
});

export type BenchReport = z.infer<typeof benchReportSchema>;
export type BenchRun = BenchReport['runs'][number];
