import { median } from '../../core/stats.js';
import { ApiClient } from '../../scenarios/api-client.js';
import type { RunningSystem } from '../../system/boot.js';
import type { StoppableService } from '../../system/boot.js';
import { customersWithMoney, placeOrder } from '../customers.js';
import { checkpoint, withSystem, type Experiment, type MeasureInfo } from '../experiment.js';
import { BACKEND, traceCounts } from '../trace-figures.js';

/** The least-squares slope of y over x; 0 with fewer than two distinct x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx ? points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx : 0;
}

/** The figure id of the answer's median at one added latency. */
export const answerAt = (ms: number) => `answerMs@${ms}`;
/** The figure id of the time to the order's final status at one added latency. */
export const finalAt = (ms: number) => `finalMs@${ms}`;

const slowEverything = (system: RunningSystem, ms: number) => Promise.all(BACKEND.map((s) => system.setLatency(s as StoppableService, ms)));

/** Latency added to every service behind the gateway, step by step: how the client's wait grows with the cost of one hop. */
export const perHopLatency: Experiment = {
  id: 'per-hop-latency',
  title: 'Client latency against latency added to every hop',
  how: (s) =>
    `On a fresh system, every service behind the gateway is slowed by ${s.latencySteps.join(', ')} ms in turn (each request and each delivery it handles waits that long first), and at each step one customer places ${s.orders} orders one at a time. The answer is timed by the client; the order's final status from the recording. The slope is the least-squares slope of the medians over the added latency: milliseconds of waiting per millisecond added to each hop.`,
  measures: (s): MeasureInfo[] => [
    { id: 'answerSlope', label: 'answer slope', unit: 'ms per ms', how: 'slope of the answer\'s median over the latency added to every hop' },
    { id: 'finalSlope', label: 'slope to the final status', unit: 'ms per ms', how: 'slope of the median time to the order\'s final status (from the recording) over the latency added' },
    ...s.latencySteps.flatMap((ms) => [
      { id: answerAt(ms), label: `answer p50, +${ms} ms per hop`, unit: 'ms', how: `median answer time seen by the client with ${ms} ms added to every hop` },
      { id: finalAt(ms), label: `to final status p50, +${ms} ms per hop`, unit: 'ms', how: `median time from the request to the order's final status with ${ms} ms added to every hop` },
    ]),
  ],
  async run(context) {
    const { latencySteps, orders } = context.settings;
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const [customer] = await customersWithMoney(system, api, 1);
      const figures: Record<string, number> = {};
      for (const ms of latencySteps) {
        checkpoint(context);
        await slowEverything(system, ms);
        const answers = [];
        for (let i = 0; i < orders; i++) answers.push(await placeOrder(api, customer));
        await system.settle();
        figures[answerAt(ms)] = median(answers.map((a) => a.ms));
        const finals = answers.map((a) => traceCounts(system.recorder.trace(a.traceId))?.toFinalMs).filter((t) => t !== undefined);
        figures[finalAt(ms)] = median(finals);
      }
      await slowEverything(system, 0);
      figures.answerSlope = slope(latencySteps.map((x) => ({ x, y: figures[answerAt(x)] })));
      figures.finalSlope = slope(latencySteps.map((x) => ({ x, y: figures[finalAt(x)] })));
      return { figures, samples: Object.fromEntries(Object.keys(figures).map((id) => [id, orders])) };
    });
  },
};
