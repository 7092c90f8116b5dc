import { openTransport } from '../broker/open-transport.js';
import type { Variant } from '../variants/variant.js';
import { bootSystem, type BootOptions, type RunningSystem } from './boot.js';
import { bootProcesses } from './process-system.js';
import type { Replicas } from './process-plan.js';

/** Where a command runs a variant: in this process (the default) or one OS process per service. */
export interface Placement {
  /** RabbitMQ URL; the embedded broker when absent (in one process only). */
  broker?: string;
  /** One OS process per service (replica), over `broker`. */
  processes?: boolean;
  replicas?: Replicas;
  /** PostgreSQL URL: every service keeps its data in a schema there (throwaway ones, dropped on close) instead of SQLite files. */
  store?: string;
}

/** Boots `variant` where `placement` says: what run, diagram, walk and bench call. */
export async function launchSystem(variant: Variant, placement: Placement, options: Omit<BootOptions, 'variant' | 'transport'> = {}): Promise<RunningSystem> {
  if (placement.processes) {
    return bootProcesses({ variant, broker: placement.broker, store: placement.store, dataDir: options.dataDir, gatewayPort: options.gatewayPort, replicas: placement.replicas, tracing: options.tracing, capacity: options.capacity });
  }
  return bootSystem({ ...options, variant, transport: await openTransport(placement.broker, variant), ...(placement.store ? { store: { url: placement.store } } : {}) });
}

/** How a command names where it ran: '' in one process on SQLite, else e.g. `one process per service (billing×3), PostgreSQL`. */
export function describePlacement(placement: Placement): string {
  const replicas = Object.entries(placement.replicas ?? {}).filter(([, n]) => (n ?? 1) > 1).map(([s, n]) => `${s}×${n}`);
  const processes = placement.processes ? `one process per service${replicas.length ? ` (${replicas.join(', ')})` : ''}` : '';
  return [processes, placement.store ? 'PostgreSQL' : ''].filter(Boolean).join(', ');
}
