import { expect, test } from 'vitest';
import type { EvidenceSettings, ExperimentContext } from '../../src/evidence/experiment.js';
import { acceptedWith, billingReplicas, ordersWith, REPLICAS } from '../../src/evidence/experiments/billing-replicas.js';
import { variants } from '../../src/variants/index.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

const SERVICE_MS = 100;
const settings = async (): Promise<EvidenceSettings> => ({
  orders: 2,
  repeat: 1,
  slowMs: 100,
  latencySteps: [0],
  replyTimeoutMs: 3000,
  sagas: 1,
  clientSeconds: 1,
  scaleSeconds: 2,
  scaleRate: 40,
  capacity: { billing: { workers: 1, serviceTimeMs: SERVICE_MS } },
  broker: await rabbitmqUrl(),
  processes: true,
});

// Choreography on RabbitMQ: billing's replicas are competing consumers of the same queues.
test('billing ×1/×2/×3 under a declared capacity: one billing completes at most what its one worker allows, three complete more, and every measured order completes', async () => {
  const stops: { close(): Promise<void> }[] = [];
  const context: ExperimentContext = {
    variant: variants.find((v) => v.name === 'choreography')!,
    settings: await settings(),
    boot: () => Promise.reject(new Error('the replica experiment boots its own processes')),
    signal: new AbortController().signal,
    track: (child) => stops.push(child),
  };
  try {
    const { figures, samples } = await billingReplicas.run(context);
    // One worker of 100 ms each: n orders take at least (n - 1) × 100 ms, whatever the machine.
    const bound = (1000 / SERVICE_MS) * (samples[ordersWith(1)] / (samples[ordersWith(1)] - 1));
    expect(figures[ordersWith(1)]).toBeGreaterThan(0);
    expect(figures[ordersWith(1)]).toBeLessThanOrEqual(bound);
    // Three instances share the queue: together they finish more than one could at its best.
    expect(figures[ordersWith(3)]).toBeGreaterThan(bound);
    expect(figures.scaleRatio).toBeCloseTo(figures[ordersWith(3)] / figures[ordersWith(1)], 5);
    // Every order accepted during the measured seconds became final (the experiment checks money and notifications too).
    for (const n of REPLICAS) expect(samples[ordersWith(n)]).toBe(samples[acceptedWith(n)]);
  } finally {
    await Promise.all(stops.map((s) => s.close()));
  }
}, 240_000);
