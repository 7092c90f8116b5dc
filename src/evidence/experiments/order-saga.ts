import { PROBE_ITEM, probeSagas } from '../../bench/saga-probe.js';
import { ApiClient, type ApiResponse } from '../../scenarios/api-client.js';
import type { RunningSystem } from '../../system/boot.js';
import type { Hop } from '../../tracing/recorder.js';
import { cancelCounts, type CancelCounts } from '../cancel-figures.js';
import { customersWithMoney, placeSaga, type Customer } from '../customers.js';
import { ExperimentError, withSystem, type Experiment } from '../experiment.js';
import { meanOf, rootOf, shareOf, traceCounts, type TraceCounts } from '../trace-figures.js';

const SAGA_REQUESTS = ['POST /api/v1/ordering/orders', 'POST /api/v1/delivery/orders/'];

/** The recorded hops grouped by trace. */
function tracesOf(hops: Hop[]): Hop[][] {
  const traces = new Map<string, Hop[]>();
  for (const hop of hops) traces.set(hop.traceId, [...(traces.get(hop.traceId) ?? []), hop]);
  return [...traces.values()];
}
/** A saga placement's trace that ended cancelled (the saga probe's, refused by delivery). */
const cancelledIn = (trace: Hop[]) => rootOf(trace)?.label === 'POST /api/v1/ordering/orders' && trace.some((h) => h.kind === 'local' && h.from === 'order' && h.label.endsWith('→ cancelled'));

/** Every recorded trace a saga request (an order with items, a receipt) started. */
function sagaTraces(hops: Hop[]): TraceCounts[] {
  return tracesOf(hops)
    .filter((t) => SAGA_REQUESTS.some((r) => rootOf(t)?.label.startsWith(r)))
    .map((t) => traceCounts(t))
    .filter((c) => c !== undefined);
}

/** `count` sagas placed and handed to delivery, then each cancelled by the customer: each saga's hops, its placement's and its cancel's. */
async function cancelledByCustomer(system: RunningSystem, api: ApiClient, customer: Customer, count: number): Promise<Hop[][]> {
  const placed = await Promise.all(Array.from({ length: count }, () => placeSaga(api, customer, PROBE_ITEM.sku)));
  await system.settle(10_000);
  const cancels: ApiResponse[] = [];
  for (const order of placed) {
    const cancel = await api.send('saga', 'POST', `/ordering/orders/${order.body?.id}/cancel`, { token: customer.token });
    if (cancel.status !== 202) throw new ExperimentError(`cancelling a saga handed to delivery was answered ${cancel.status}`);
    cancels.push(cancel);
  }
  await system.settle(10_000);
  return placed.map((p, i) => [...system.recorder.trace(p.traceId), ...system.recorder.trace(cancels[i].traceId)]);
}

/** The figures of the cancelled sagas: undone wherever a step was done, and what undoing one took. */
function cancelFigures(cancels: CancelCounts[]) {
  const undos = [...new Set(cancels.flatMap((c) => c.needed))];
  const tally = undos.map((u) => `${u} ${cancels.filter((c) => c.undone.includes(u)).length} of ${cancels.filter((c) => c.needed.includes(u)).length}`);
  return {
    figures: {
      cancelReachedShare: shareOf(cancels, (c) => c.needed.every((u) => c.undone.includes(u))),
      cancelServices: meanOf(cancels, (c) => c.services.length),
      cancelMessages: meanOf(cancels, (c) => c.messages),
      cancelRestCalls: meanOf(cancels, (c) => c.restCalls),
    },
    notes: {
      cancelReachedShare: `undone: ${tally.join(', ') || 'nothing to undo'}`,
      cancelServices: [...new Set(cancels.flatMap((c) => c.services))].sort().join(', ') || 'none',
      cancelMessages: `per cancel: ${cancels.map((c) => c.messages).join(', ')}`,
      cancelRestCalls: `per cancel: ${cancels.map((c) => c.restCalls).join(', ')}`,
    },
  };
}

/** The order saga (payment, stock, delivery, compensations): who hands work to whom, and how, and what a cancel takes. */
export const orderSaga: Experiment = {
  id: 'order-saga',
  title: 'The order saga, recorded',
  how: (s) =>
    `On a fresh system, one customer places ${s.sagas} order${s.sagas === 1 ? '' : 's'} with items that reach delivery (and confirms each receipt) and ${s.sagas} to a city outside the delivery zones (paid, reserved, then cancelled: refunded and released), one at a time (the bench's saga probe); then ${s.sagas} more that reach delivery, each of which the customer cancels (refunded, released, brought back and restocked). Every request and message of those sagas is recorded, compensations included; the hand-over and call figures are counted over the probe's sagas, the cancel figures over the ${2 * s.sagas} cancelled ones (the hops the sequence diagrams set apart as compensations).`,
  measures: () => [
    { id: 'sagaRestPeers', label: 'REST caller→callee pairs between services in the saga', unit: 'pairs', how: 'distinct caller→callee pairs of REST calls between services behind the gateway in the sagas\' traces' },
    { id: 'sagaRestPerSaga', label: 'REST calls between services per saga request', unit: 'calls', how: 'REST calls between services behind the gateway per saga request (order, receipt)' },
    { id: 'sagaBrokeredShare', label: 'saga hand-overs through the broker', unit: 'share', how: 'deliveries to services behind the gateway over those plus REST requests to them, in the sagas\' traces' },
    { id: 'sagaToDeliveringMs', label: 'to delivering p50', unit: 'ms', how: 'median time from the order request to the order service recording delivering' },
    { id: 'cancelReachedShare', label: 'cancelled sagas undone wherever a step was done', unit: 'share', how: 'cancelled sagas in which every service that did a step (billing paid, stock reserved, delivery took it) recorded undoing it (refunded; released or restocked; brought back), over cancelled sagas' },
    { id: 'cancelServices', label: 'services a cancel involves', unit: 'services', how: 'services that sent, received or made a compensation, per cancelled saga (mean)' },
    { id: 'cancelMessages', label: 'messages a cancel puts on the broker', unit: 'messages', how: 'compensating messages put on the broker per cancelled saga (mean)' },
    { id: 'cancelRestCalls', label: 'REST calls a cancel makes', unit: 'calls', how: 'compensating REST calls per cancelled saga (mean)' },
  ],
  async run(context) {
    const { sagas } = context.settings;
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const [customer] = await customersWithMoney(system, api, 1);
      const probe = await probeSagas(system, api, customer.token, sagas);
      const probed = system.recorder.all();
      const counts = sagaTraces(probed);
      const brokered = counts.reduce((n, c) => n + c.brokered, 0);
      const called = counts.reduce((n, c) => n + c.called, 0);
      const pairs = [...new Set(counts.flatMap((c) => c.restPairs))].sort();
      const cancelled = [...tracesOf(probed).filter(cancelledIn), ...(await cancelledByCustomer(system, api, customer, sagas))];
      const cancels = cancelFigures(cancelled.map(cancelCounts));
      const figures = {
        sagaRestPeers: pairs.length,
        sagaRestPerSaga: counts.length ? counts.reduce((n, c) => n + c.restBetweenServices, 0) / counts.length : 0,
        sagaBrokeredShare: brokered + called ? brokered / (brokered + called) : 0,
        sagaToDeliveringMs: probe.toDelivering.ms.p50,
        ...cancels.figures,
      };
      const n = counts.length;
      const samples = { sagaRestPeers: n, sagaRestPerSaga: n, sagaBrokeredShare: n, sagaToDeliveringMs: probe.sagas, ...Object.fromEntries(Object.keys(cancels.figures).map((id) => [id, cancelled.length])) };
      return { figures, samples, notes: { sagaRestPeers: pairs.length ? pairs.join(', ') : 'none', ...cancels.notes } };
    });
  },
};
