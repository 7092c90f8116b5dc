import type { Replicas } from '../system/process-plan.js';
import type { SagaProbe } from './saga-probe.js';
import type { Capacity } from '../system/capacity.js';

/**
 * What the bench loads: a variant of the order system (in one process or one per service), a hello-world baseline,
 * a chain of bare hops (the floor), or the expert reference (the http order's hops and durable writes, written lean).
 */
export type Target =
  | { kind: 'variant'; variant: string; broker?: string; store?: string; tracing: boolean; processes?: { replicas: Replicas }; capacity?: Capacity }
  | { kind: 'express-hello' }
  | { kind: 'http-hello' }
  | { kind: 'hop-chain'; hops: number }
  | { kind: 'expert-reference' };

/** What one service process spent during the load. */
export interface ProcessCost {
  service: string;
  pid: number;
  cpuSeconds: number;
  rssMb: number;
}

/** A prepared customer: a token to order with. */
export interface BenchUser {
  token: string;
}

/** Percentiles in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** What the system under test reports after a load: its own cost, and what the recording says. */
export interface SutStats {
  /** CPU the system spent from the measured load's start until the load's orders had settled (boot, customers and warm-up left out). */
  cpuSeconds: number;
  /** Orders placed since the measured load started that were final once it settled (the load's and the probes'), by the system's own records; absent where there are no orders (the floor). */
  completedInWindow?: number;
  peakRssMb: number;
  orders?: {
    /** The load's orders (placed during the measured window, the outcome probe's left out) that reached their final status. */
    completed: number;
    completedPerSecond: number;
    /** From the order service recording the order to its final status, and to its stored notification (the services' own times). */
    toFinalMs: Percentiles;
    toNotificationMs: Percentiles;
    httpPerOrder: number;
    messagesPerOrder: number;
  };
  consistency?: { ok: boolean; problems: string[]; summary: string };
  /** The saga after the load: time and hops to delivering, and to cancelled when delivery refuses. */
  saga?: SagaProbe;
  /** With one process per service: what each spent during the load. */
  processes?: ProcessCost[];
}

/** Parent to child. */
export type ToChild = { type: 'start'; target: Target; users: number } | { type: 'load-started' } | { type: 'settle' } | { type: 'collect'; leaveOut?: string[]; sagas: boolean } | { type: 'stop' };
/** Child to parent. */
export type FromChild = { type: 'ready'; url: string; path: string; users: BenchUser[] } | { type: 'settled' } | { type: 'counting' } | { type: 'stats'; stats: SutStats } | { type: 'error'; message: string };
