import { z } from 'zod';
import { DOCUMENTS } from './claims.js';

/** A figure measured n times (one per repeat): median and spread (min–max). */
const spread = z.object({ n: z.number().int(), median: z.number(), min: z.number(), max: z.number() });
const verdict = z.object({ kind: z.enum(['holds', 'does-not-hold', 'holds-only-when', 'not-judged']), text: z.string() });

/** What one experiment gave on one style: every figure's spread over the repeats, the samples each rests on per repeat, notes, and every repeat's own figures. */
const styleResult = z.object({
  style: z.string(),
  figures: z.record(z.string(), spread),
  /** Samples (orders, registrations, answers) each figure rests on, per repeat. */
  samples: z.record(z.string(), z.number().int()),
  notes: z.record(z.string(), z.string()),
  repeats: z.array(z.record(z.string(), z.number())),
});

/** `evidence.json`: every claim with the experiments that tried it, the figures per style, the rule and the verdicts. */
export const evidenceSchema = z.object({
  tool: z.literal('orderctl evidence'),
  version: z.string(),
  date: z.string(),
  command: z.string(),
  machine: z.object({ cpus: z.number(), cpuModel: z.string(), memoryGb: z.number(), node: z.string(), platform: z.string() }),
  /** Wall-clock seconds the run took. */
  seconds: z.number(),
  settings: z.object({
    variants: z.array(z.string()),
    orders: z.number().int(),
    repeat: z.number().int(),
    slowMs: z.number(),
    latencySteps: z.array(z.number()),
    replyTimeoutMs: z.number(),
    sagas: z.number().int(),
    clientSeconds: z.number(),
    scaleSeconds: z.number(),
    /** Orders/s offered to each billing replica count, and the capacity services had there (`billing=1x50ms`: workers × service time per instance). */
    scaleRate: z.number(),
    capacity: z.string(),
    broker: z.enum(['in-process', 'rabbitmq']),
    processes: z.boolean(),
  }),
  styles: z.array(z.object({ name: z.string(), traits: z.array(z.string()) })),
  /** The thresholds the rules use, by name, and how a rule's parts combine into a verdict. */
  thresholds: z.record(z.string(), z.number()),
  combining: z.string(),
  experiments: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      how: z.string(),
      /** Why it was not run; absent when it ran. */
      skipped: z.string().optional(),
      measures: z.array(z.object({ id: z.string(), label: z.string(), unit: z.string(), how: z.string() })),
      results: z.array(styleResult),
    }),
  ),
  claims: z.array(
    z.object({
      id: z.string(),
      style: z.string(),
      documents: z.array(z.enum(DOCUMENTS)),
      text: z.string(),
      experiments: z.array(z.string()),
      /** The figures its rule reads, by measure id. */
      figures: z.array(z.string()),
      /** The rule, in words: its parts with their thresholds. */
      rule: z.string(),
      /** The rule applied to each chosen style's figures (medians over the repeats). */
      perStyle: z.array(z.object({ style: z.string(), verdict })),
      /** The verdict on the claim's own style, or not judged when that style was not run. */
      verdict,
      /** The chart's file name (without extension), when one was drawn. */
      chart: z.string().optional(),
    }),
  ),
});

/** The whole evidence report. */
export type EvidenceReport = z.infer<typeof evidenceSchema>;
/** One claim of the report. */
export type EvidenceClaim = EvidenceReport['claims'][number];
/** One experiment of the report. */
export type EvidenceExperiment = EvidenceReport['experiments'][number];

/** The report's schema as JSON Schema (written next to evidence.json). */
export const evidenceJsonSchema = () => z.toJSONSchema(evidenceSchema, { target: 'draft-2020-12' });
