import { maxInFlightFor } from '../../bench/bench-run.js';
import { runOpenLoop } from '../../bench/open-loop.js';
import { startSut } from '../../bench/sut.js';
import { capacityText } from '../../system/capacity.js';
import { variantRef } from '../../variants/index.js';
import { usesBroker } from '../../variants/variant.js';
import { checkpoint, ExperimentError, type EvidenceSettings, type Experiment } from '../experiment.js';

/** Billing replica counts the experiment compares. */
export const REPLICAS = [1, 2, 3] as const;
const CUSTOMERS = 16;
/** Seconds of the same load before each measurement, not counted (processes just started are slow at first); its backlog is worked off first. */
const WARMUP_SECONDS = 1;
/** The figure id of completed orders/s with `n` billing processes. */
export const ordersWith = (n: number) => `ordersPerSecond@billing×${n}`;
/** The figure id of accepted (2xx) orders/s with `n` billing processes. */
export const acceptedWith = (n: number) => `acceptedPerSecond@billing×${n}`;

const capacityWords = (s: EvidenceSettings) => {
  const text = capacityText(s.capacity);
  return text ? `every instance has a declared capacity, ${text} (workers × service time, a timer that uses no CPU, like a payment provider that answers slowly), so billing, not this machine's cores, is the bottleneck` : 'no service has a declared capacity (the machine\'s cores are the limit)';
};

/** One OS process per service, billing ×1, ×2, ×3 under a declared capacity: does adding an instance complete more orders? */
export const billingReplicas: Experiment = {
  id: 'billing-replicas',
  title: 'Orders per second with more billing instances',
  how: (s) =>
    `Each style runs with every service in an OS process of its own (the styles with events over RabbitMQ), with 1, 2 and 3 billing processes sharing billing's port and queues; ${capacityWords(s)}. Each is offered ${s.scaleRate} orders/s in an open loop by ${CUSTOMERS} customers for ${WARMUP_SECONDS} s (not counted, its backlog worked off), then for ${s.scaleSeconds} s; the orders of those ${s.scaleSeconds} s that became final are counted (read back from the order service), per second from the start of the load to the last of them. Money, final statuses and notifications are checked afterwards.`,
  skipped: (s) => (s.processes ? undefined : 'not run: it needs one OS process per service (--processes, with --broker for the styles with events); in one process there is no instance to add'),
  measures: (s) => [
    ...REPLICAS.map((n) => ({ id: ordersWith(n), label: `completed orders/s, billing ×${n}`, unit: 'orders/s', how: `orders of the measured load that became final, per second, with ${n} billing process${n > 1 ? 'es' : ''} (${capacityText(s.capacity) || 'no declared capacity'})` })),
    ...REPLICAS.map((n) => ({ id: acceptedWith(n), label: `accepted orders/s, billing ×${n}`, unit: 'orders/s', how: `2xx answers per second (a 202 counts) with ${n} billing process${n > 1 ? 'es' : ''}` })),
    { id: 'scaleRatio', label: 'completed orders/s with billing ×3 over ×1', unit: '×', how: 'completed orders/s with three billing processes over one' },
  ],
  async run(context) {
    const { settings } = context;
    const broker = usesBroker(context.variant) ? settings.broker : undefined;
    if (usesBroker(context.variant) && !broker) throw new ExperimentError(`${context.variant.name}: one process per service needs --broker`);
    const figures: Record<string, number> = {};
    const samples: Record<string, number> = {};
    const notes: Record<string, string> = {};
    for (const billing of REPLICAS) {
      checkpoint(context);
      const target = { kind: 'variant' as const, variant: variantRef(context.variant), broker, tracing: true, processes: { replicas: { billing } }, capacity: settings.capacity };
      const sut = await startSut(target, CUSTOMERS, context.track);
      try {
        const load = (durationSeconds: number) => runOpenLoop(sut.url, sut.path, sut.users, { rate: settings.scaleRate, durationSeconds, maxInFlight: maxInFlightFor(settings.scaleRate, CUSTOMERS), signal: context.signal }, () => {});
        await load(WARMUP_SECONDS);
        await sut.settle();
        checkpoint(context);
        await sut.loadStarted();
        const result = await load(settings.scaleSeconds);
        const stats = await sut.collect([], { sagas: false });
        if (stats.consistency && !stats.consistency.ok) throw new ExperimentError(`${context.variant.name}, billing ×${billing}: ${stats.consistency.problems.join('; ')}`);
        figures[ordersWith(billing)] = stats.orders?.completedPerSecond ?? 0;
        samples[ordersWith(billing)] = stats.orders?.completed ?? 0;
        figures[acceptedWith(billing)] = result.acceptedPerSecond;
        samples[acceptedWith(billing)] = Object.entries(result.statusCodes).reduce((n, [code, count]) => (code.startsWith('2') ? n + count : n), 0);
        notes[ordersWith(billing)] = `${stats.orders?.completed ?? 0} completed of ${result.samples - result.notSent} sent${result.notSent ? ` (${result.notSent} more never sent: all ${maxInFlightFor(settings.scaleRate, CUSTOMERS)} the client keeps in flight were waiting)` : ''}`;
      } finally {
        await sut.stop();
      }
    }
    figures.scaleRatio = figures[ordersWith(1)] ? figures[ordersWith(3)] / figures[ordersWith(1)] : 0;
    samples.scaleRatio = Math.min(samples[ordersWith(1)], samples[ordersWith(3)]);
    return { figures, samples, notes };
  },
};
