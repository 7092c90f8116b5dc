import { probeSagas } from '../../bench/saga-probe.js';
import { ApiClient } from '../../scenarios/api-client.js';
import type { Hop } from '../../tracing/recorder.js';
import { customersWithMoney } from '../customers.js';
import { withSystem, type Experiment } from '../experiment.js';
import { rootOf, traceCounts, type TraceCounts } from '../trace-figures.js';

const SAGA_REQUESTS = ['POST /api/v1/ordering/orders', 'POST /api/v1/delivery/orders/'];

/** Every recorded trace a saga request (an order with items, a receipt) started. */
function sagaTraces(hops: Hop[]): TraceCounts[] {
  const traces = new Map<string, Hop[]>();
  for (const hop of hops) traces.set(hop.traceId, [...(traces.get(hop.traceId) ?? []), hop]);
  return [...traces.values()]
    .filter((t) => SAGA_REQUESTS.some((r) => rootOf(t)?.label.startsWith(r)))
    .map((t) => traceCounts(t))
    .filter((c) => c !== undefined);
}

/** The order saga (payment, stock, delivery, compensations): who hands work to whom, and how. */
export const orderSaga: Experiment = {
  id: 'order-saga',
  title: 'The order saga, recorded',
  how: (s) =>
    `On a fresh system, one customer places ${s.sagas} orders with items that reach delivery (and confirms each receipt) and ${s.sagas} to a city outside the delivery zones (paid, reserved, then cancelled: refunded and released), one at a time (the bench's saga probe). Every request and message of those sagas is recorded, compensations included.`,
  measures: () => [
    { id: 'sagaRestPeers', label: 'REST caller→callee pairs between services in the saga', unit: 'pairs', how: 'distinct caller→callee pairs of REST calls between services behind the gateway in the sagas\' traces' },
    { id: 'sagaRestPerSaga', label: 'REST calls between services per saga request', unit: 'calls', how: 'REST calls between services behind the gateway per saga request (order, receipt)' },
    { id: 'sagaBrokeredShare', label: 'saga hand-overs through the broker', unit: 'share', how: 'deliveries to services behind the gateway over those plus REST requests to them, in the sagas\' traces' },
    { id: 'sagaToDeliveringMs', label: 'to delivering p50', unit: 'ms', how: 'median time from the order request to the order service recording delivering' },
  ],
  async run(context) {
    return withSystem(context, async (system) => {
      const api = new ApiClient(system.gatewayUrl);
      const [customer] = await customersWithMoney(system, api, 1);
      const probe = await probeSagas(system, api, customer.token, context.settings.sagas);
      const counts = sagaTraces(system.recorder.all());
      const brokered = counts.reduce((n, c) => n + c.brokered, 0);
      const called = counts.reduce((n, c) => n + c.called, 0);
      const pairs = [...new Set(counts.flatMap((c) => c.restPairs))].sort();
      const figures = {
        sagaRestPeers: pairs.length,
        sagaRestPerSaga: counts.length ? counts.reduce((n, c) => n + c.restBetweenServices, 0) / counts.length : 0,
        sagaBrokeredShare: brokered + called ? brokered / (brokered + called) : 0,
        sagaToDeliveringMs: probe.toDelivering.ms.p50,
      };
      const n = counts.length;
      return { figures, samples: { sagaRestPeers: n, sagaRestPerSaga: n, sagaBrokeredShare: n, sagaToDeliveringMs: probe.sagas }, notes: { sagaRestPeers: pairs.length ? pairs.join(', ') : 'none' } };
    });
  },
};
