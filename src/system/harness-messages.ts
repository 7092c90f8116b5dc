import type { Capacity } from './capacity.js';
import type { Hop } from '../tracing/recorder.js';
import type { RecoveryCounts, RunOptions } from './recovery.js';
import type { DependencyChange } from './service-node.js';
import type { ServiceName } from './wiring.js';

/** What one service process tells the harness about itself when asked. */
export interface ProcessStatus {
  /** Rows waiting in its outbox. */
  waiting: number;
  /** Hops it has open (requests in flight, deliveries being handled). */
  inFlight: number;
  /** Messages queued or being handled in its consumer groups. */
  pending: number;
  /** Its consumer groups. */
  groups: string[];
  recovery: RecoveryCounts & { passes: number };
  /** Domain events raised that nothing carried, by `service event`. */
  unrouted: Record<string, number>;
  /** CPU time the process used so far (user + system), and its resident memory now. */
  cpuSeconds: number;
  rssMb: number;
}

/** Harness → service process, over the IPC channel of a process it started. */
export type HarnessRequest =
  | { kind: 'status'; id: number }
  | { kind: 'stop-service'; id: number }
  | { kind: 'start-service'; id: number }
  | { kind: 'latency'; id: number; ms: number }
  | { kind: 'capacity'; id: number; capacity?: Capacity }
  | { kind: 'recover'; id: number; options: RunOptions };

/** Service process → harness. Hops come in batches, always before the answer to a request that follows them. */
export type ProcessMessage =
  | { kind: 'ready'; service: ServiceName; url: string }
  | { kind: 'hops'; hops: Hop[] }
  | { kind: 'recovery'; counts: RecoveryCounts }
  | { kind: 'dependency'; change: DependencyChange }
  | { kind: 'answer'; id: number; result?: unknown; error?: string };
