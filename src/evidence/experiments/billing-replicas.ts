import { runClosedLoop } from '../../bench/closed-loop.js';
import { startSut } from '../../bench/sut.js';
import { variantRef } from '../../variants/index.js';
import { usesBroker } from '../../variants/variant.js';
import { checkpoint, ExperimentError, type Experiment } from '../experiment.js';

/** Billing replica counts the experiment compares. */
export const REPLICAS = [1, 2, 3] as const;
const CONNECTIONS = 16;
const CUSTOMERS = 16;
/** Seconds of the same load before each measurement, not counted: processes just started are slow at first. */
const WARMUP_SECONDS = 1;
/** The figure id of orders/s with `n` billing processes. */
export const ordersWith = (n: number) => `ordersPerSecond@billing×${n}`;

/** One OS process per service, billing ×1, ×2, ×3: does adding an instance take more orders? */
export const billingReplicas: Experiment = {
  id: 'billing-replicas',
  title: 'Orders per second with more billing instances',
  how: (s) =>
    `Each style runs with every service in an OS process of its own (the styles with events over RabbitMQ), with 1, 2 and 3 billing processes sharing billing's port and queues; each is loaded for ${WARMUP_SECONDS} s (not counted), then ${s.scaleSeconds} s in a closed loop (the bench's autocannon load: ${CONNECTIONS} connections, ${CUSTOMERS} customers, recording off), and its accepted orders/s counted. All processes share this machine's cores.`,
  skipped: (s) => (s.processes ? undefined : 'not run: it needs one OS process per service (--processes, with --broker for the styles with events); in one process there is no instance to add'),
  measures: () => [
    ...REPLICAS.map((n) => ({ id: ordersWith(n), label: `accepted orders/s, billing ×${n}`, unit: 'orders/s', how: `2xx answers per second under a closed loop with ${n} billing process${n > 1 ? 'es' : ''}` })),
    { id: 'scaleRatio', label: 'orders/s with billing ×3 over ×1', unit: '×', how: 'accepted orders/s with three billing processes over one' },
  ],
  async run(context) {
    const broker = usesBroker(context.variant) ? context.settings.broker : undefined;
    if (usesBroker(context.variant) && !broker) throw new ExperimentError(`${context.variant.name}: one process per service needs --broker`);
    const figures: Record<string, number> = {};
    const samples: Record<string, number> = {};
    for (const billing of REPLICAS) {
      checkpoint(context);
      const sut = await startSut({ kind: 'variant', variant: variantRef(context.variant), broker, tracing: false, processes: { replicas: { billing } } }, CUSTOMERS, context.track);
      try {
        const loop = (durationSeconds: number) => runClosedLoop(sut.url, sut.path, sut.users, { connections: CONNECTIONS, durationSeconds, signal: context.signal }, () => {});
        await loop(WARMUP_SECONDS);
        const load = await loop(context.settings.scaleSeconds);
        figures[ordersWith(billing)] = load.acceptedPerSecond;
        samples[ordersWith(billing)] = load.samples;
      } finally {
        await sut.stop();
      }
    }
    figures.scaleRatio = figures[ordersWith(1)] ? figures[ordersWith(3)] / figures[ordersWith(1)] : 0;
    samples.scaleRatio = 2;
    return { figures, samples };
  },
};
