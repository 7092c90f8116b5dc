import type { BenchUser } from './bench-protocol.js';

/** How the soak and growth modes run the system: as `serve` does, in one process (or one per service). */
export interface SoakTarget {
  variant: string;
  broker?: string;
  store?: string;
  processes?: boolean;
  /** Boot on this data dir (kept); a temporary one otherwise. */
  dataDir?: string;
  /** Customers to register and fund before the load. */
  users: number;
  /** Their e-mails start so (a seeded data dir, booted again, already has earlier ones). */
  userPrefix: string;
}

/** The system's memory at one moment: its process (with --processes, every service process added). */
export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
}

/** The load's orders as the order service holds them: settled or still pending. */
export interface LoadOrders {
  final: number;
  pending: number;
}

/** Parent to the soak child. */
export type ToSoakChild =
  | { type: 'start'; target: SoakTarget }
  | { type: 'sample' }
  | { type: 'mark' }
  | { type: 'cpu' }
  | { type: 'settle' }
  | { type: 'orders'; since: number }
  | { type: 'stop' };

/** The soak child to its parent. */
export type FromSoakChild =
  | { type: 'ready'; url: string; path: string; users: BenchUser[]; bootMs: number; firstPassMs: number; firstPass: Record<string, number>; mallocMmapThreshold: string | null }
  | { type: 'sample'; sample: MemorySample }
  | { type: 'marked' }
  | { type: 'cpu'; cpuMs: number }
  | { type: 'settled' }
  | { type: 'orders'; orders: LoadOrders }
  | { type: 'error'; message: string };
