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
}

/** Boots `variant` where `placement` says: what run, diagram, walk and bench call. */
export async function launchSystem(variant: Variant, placement: Placement, options: Omit<BootOptions, 'variant' | 'transport'> = {}): Promise<RunningSystem> {
  if (placement.processes) return bootProcesses({ variant, broker: placement.broker, dataDir: options.dataDir, gatewayPort: options.gatewayPort, replicas: placement.replicas, tracing: options.tracing });
  return bootSystem({ ...options, variant, transport: await openTransport(placement.broker, variant) });
}

/** How a command names where it ran: '' in one process, else `one process per service (billing×3)`. */
export function describePlacement(placement: Placement): string {
  if (!placement.processes) return '';
  const replicas = Object.entries(placement.replicas ?? {}).filter(([, n]) => (n ?? 1) > 1).map(([s, n]) => `${s}×${n}`);
  return `one process per service${replicas.length ? ` (${replicas.join(', ')})` : ''}`;
}
