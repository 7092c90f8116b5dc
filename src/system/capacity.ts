import type { RequestHandler } from 'express';
import pLimit, { type LimitFunction } from 'p-limit';
import { parseDuration, sleep } from '../core/duration.js';
import { AppError } from '../core/errors.js';
import { HEALTH_PATH } from '../http/service-app.js';
import { SERVICES, type ServiceName } from './wiring.js';

/** What one instance of a service can do at once: `workers` requests or messages, each taking `serviceTimeMs` without using the CPU (like a payment provider that answers slowly). */
export interface ServiceCapacity {
  workers: number;
  serviceTimeMs: number;
}

/** A declared capacity per service; a service not named has none (it is as fast as the machine). */
export type Capacity = Partial<Record<ServiceName, ServiceCapacity>>;

/** `billing=1x20ms,identity=2x5ms` (workers × service time per instance) as a Capacity; one clear line otherwise. */
export function parseCapacity(text: string): Capacity {
  const capacity: Capacity = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+)=(\d+)x(.+)$/.exec(part);
    const service = match?.[1] as ServiceName | undefined;
    if (!match || !SERVICES.includes(service!)) throw new AppError('USAGE', `capacity "${part}": write service=WORKERSxTIME, e.g. billing=1x20ms (services: ${SERVICES.join(', ')})`);
    const workers = Number(match[2]);
    let serviceTimeMs: number;
    try {
      serviceTimeMs = parseDuration(match[3]);
    } catch (error) {
      throw new AppError('USAGE', `capacity "${part}": ${(error as Error).message}`);
    }
    if (workers < 1 || workers > 1_000 || serviceTimeMs > 60_000) throw new AppError('USAGE', `capacity "${part}": workers from 1 to 1000, a service time up to 60s`);
    capacity[service!] = { workers, serviceTimeMs };
  }
  return capacity;
}

/** `billing=1x20ms`: a capacity as parseCapacity reads it back. */
export const capacityText = (capacity: Capacity): string =>
  Object.entries(capacity)
    .map(([service, c]) => `${service}=${c.workers}x${c.serviceTimeMs}ms`)
    .join(',');

/** One instance's workers: each request or delivery waits for a free one, holds it for the service time (a timer, no CPU) and its own handling; without a capacity, work goes straight through. */
export class CapacityGate {
  private current?: { capacity: ServiceCapacity; limit: LimitFunction };
  private inFlight = 0;
  /** Most held at once so far, and how many were served, under a capacity. */
  readonly seen = { maxInFlight: 0, served: 0 };

  constructor(capacity?: ServiceCapacity) {
    this.set(capacity);
  }

  /** The capacity from now on (undefined: as fast as the machine); work already waiting keeps the one it waits under. */
  set(capacity: ServiceCapacity | undefined): void {
    this.current = capacity && { capacity, limit: pLimit(capacity.workers) };
  }

  /** The capacity now, if any. */
  get capacity(): ServiceCapacity | undefined {
    return this.current?.capacity;
  }

  /** Runs `work` in a free worker, after the service time (at once without a capacity). */
  run<T>(work: () => Promise<T>): Promise<T> {
    const current = this.current;
    if (!current) return work();
    return current.limit(async () => {
      this.seen.maxInFlight = Math.max(this.seen.maxInFlight, ++this.inFlight);
      try {
        if (current.capacity.serviceTimeMs) await sleep(current.capacity.serviceTimeMs);
        return await work();
      } finally {
        this.inFlight--;
        this.seen.served++;
      }
    });
  }

  /** At a service's edge: a request (not a health check) holds a worker from its service time until its answer is sent. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      if (!this.current || req.path === HEALTH_PATH) return next();
      void this.run(
        () =>
          new Promise<void>((resolve) => {
            if (res.destroyed || res.writableEnded) return resolve();
            res.once('close', resolve);
            next();
          }),
      );
    };
  }
}

/** The environment variable a service process gets its own capacity in (`billing=1x20ms`), from the harness that started it. */
export const CAPACITY_ENV = 'ORDERCTL_CAPACITY';

/** A process's capacity variable for `service`: set only where the service was given one. */
export const capacityEnv = (capacity: Capacity | undefined, service: ServiceName): Record<string, string> =>
  capacity?.[service] ? { [CAPACITY_ENV]: capacityText({ [service]: capacity[service] }) } : {};

/** The capacity a service process was started with (CAPACITY_ENV), if any. */
export const capacityFromEnv = (env: NodeJS.ProcessEnv = process.env): Capacity | undefined => (env[CAPACITY_ENV] ? parseCapacity(env[CAPACITY_ENV]!) : undefined);
