import type { Response } from 'express';
import { errorBody } from '../../core/errors.js';
import type { ServiceClient } from '../../http/service-client.js';

/** The services the public API needs. */
export const DEPENDENCIES = ['identity', 'billing', 'order', 'notification', 'stock', 'delivery'] as const;

/** What the gateway's health endpoint answers. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  variant?: string;
  services: Record<(typeof DEPENDENCIES)[number], 'ok' | 'down'>;
}

/**
 * The gateway's `GET /api/v1/health`: probes every service's own `GET /health` (in parallel,
 * 1 s each, unrecorded); requests that arrive while a probe runs share its answer.
 */
export function healthCheck(http: ServiceClient, variant?: string) {
  let running: Promise<HealthReport> | undefined;
  const probe = async (): Promise<HealthReport> => {
    const states = await Promise.all(DEPENDENCIES.map(async (name) => [name, (await http.probe(name)) ? 'ok' : 'down'] as const));
    const services = Object.fromEntries(states) as HealthReport['services'];
    return { status: states.every(([, s]) => s === 'ok') ? 'ok' : 'degraded', ...(variant ? { variant } : {}), services };
  };
  const report = () => (running ??= probe().finally(() => (running = undefined)));
  return {
    report,
    /** 200 with the report, or 503 in the error shape with the report's fields. */
    async answer(res: Response): Promise<void> {
      const current = await report();
      res.set('Cache-Control', 'no-store');
      if (current.status === 'ok') {
        res.json(current);
        return;
      }
      const down = Object.entries(current.services).filter(([, s]) => s === 'down').map(([name]) => name);
      res.status(503).json(errorBody(503, `${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} down`, { ...current }));
    },
  };
}
